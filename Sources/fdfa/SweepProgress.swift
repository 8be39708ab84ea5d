import FDFATraining
import Foundation

/// The sweep's one-line progress on a terminal: runs finished of the total, each running training's
/// epoch, and the time left estimated from the epochs trained so far. Like `ProgressBar`, drawn on
/// stderr only when stdout and stderr are both terminals.
final class SweepProgress {
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var total = 0
    private var epochsToRun = 0
    private var epochsDone = 0

    static func forTerminal() -> SweepProgress? {
        isatty(STDOUT_FILENO) != 0 && isatty(STDERR_FILENO) != 0 ? SweepProgress() : nil
    }

    func begin(total: Int, epochsToRun: Int) {
        self.total = total
        self.epochsToRun = epochsToRun
    }

    /// `active`: each running training, the epochs it has logged, its epoch count and the epoch it resumed after.
    func draw(finished: Int, active: [(run: SweepManifest.Run, logged: Int, epochs: Int, startEpoch: Int)]) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.5 else { return }
        lastDraw = now
        let running = active.map { "\($0.run.name) epoch \(min($0.logged + 1, $0.epochs))/\($0.epochs)" }
        let trained = epochsDone + active.reduce(0) { $0 + max($1.logged - $1.startEpoch, 0) }
        let elapsed = now.timeIntervalSince(start)
        let left = trained > 0 ? "\(Self.clock(elapsed * Double(epochsToRun - trained) / Double(trained))) left · " : ""
        let line = "runs \(finished)/\(total) done · " + left + running.joined(separator: ", ")
        fputs("\r\u{1B}[2K" + String(line.prefix(Self.columns())), stderr)
    }

    /// Counts a finished training's epochs towards the estimate.
    func add(epochs: Int) { epochsDone += epochs }

    func clear() { fputs("\r\u{1B}[2K", stderr) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    private static func columns() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) - 1 : 79
    }
}
