import Foundation

/// A one-line progress bar with rate and time left, for `fdfa train` and the language's `train`.
/// It is drawn on stderr only when both stdout and stderr are terminals, so that logs piped to a
/// file keep exactly the reference's lines and recorded notebooks never contain it.
public final class ProgressBar {
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let draw: (String) -> Void
    private let erase: () -> Void

    /// A bar that hands each new state of its line to `draw` (at most ten times a second) and calls
    /// `erase` when it is done: a host other than the terminal (the Jupyter kernel) shows it its own way.
    public init(draw: @escaping (String) -> Void, erase: @escaping () -> Void = {}) {
        self.draw = draw
        self.erase = erase
    }

    /// A bar for an interactive terminal, or nil when output is redirected.
    public static func forTerminal() -> ProgressBar? {
        guard isatty(STDOUT_FILENO) != 0 && isatty(STDERR_FILENO) != 0 else { return nil }
        return ProgressBar(draw: { fputs("\r\($0) ", stderr) }, erase: { fputs("\r\u{1B}[2K", stderr) })
    }

    public func update(done: Int, total: Int, samples: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let width = 30, filled = total > 0 ? width * done / total : width
        let rate = Double(samples) / elapsed
        let left = Double(total - done) * elapsed / Double(max(done, 1))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        draw("\(bar) \(done)/\(total)  \(Int(rate)) samples/s  \(Int(left))s left")
    }

    /// Erases the bar so a normal line can be printed in its place.
    public func clear() { erase() }
}
