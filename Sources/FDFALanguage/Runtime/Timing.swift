import Foundation

/// The line `time { … }` prints. Timings differ from run to run, so notebook replay recognises
/// lines starting with `prefix` and does not compare their numbers.
public enum Timing {
    public static let prefix = "time: "

    static func line(seconds: Double) -> String {
        seconds < 1e-3 ? prefix + String(format: "%.1f µs", seconds * 1e6)
            : seconds < 1 ? prefix + String(format: "%.2f ms", seconds * 1e3)
            : prefix + String(format: "%.3f s", seconds)
    }
}
