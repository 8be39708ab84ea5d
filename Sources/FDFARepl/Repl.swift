import FDFALanguage
import FDFAEngine
import Foundation

/// The read–eval–print loop. At a terminal it uses the line editor; otherwise (a pipe, a file,
/// a test) it reads stdin line by line with no prompts, so `fdfa < script.fdfa` works.
///
/// Input is gathered until it forms complete statements (a block or bracket left open asks for
/// more with the continuation prompt), then runs as one cell. Errors are printed and the session
/// carries on with its variables intact; Ctrl-C stops the running cell the same way.
public final class Repl {
    public static let prompt = "fdfa> "
    public static let continuationPrompt = "  ... "

    public let session: Session

    public init(session: Session = Session()) { self.session = session }

    /// Runs until end of input. Returns false if reading from a pipe and some cell failed.
    public func run() -> Bool {
        Interrupt.installSignalHandler()
        if isatty(STDIN_FILENO) != 0 {
            runInteractive()
            return true
        }
        var allSucceeded = true
        var pending = PendingCell()
        var input = InputLines()
        while let line = input.next() {
            guard let cell = pending.add(line) else { continue }
            if Repl.isExit(cell) { return allSucceeded }
            allSucceeded = execute(cell) && allSucceeded
        }
        if !pending.text.allSatisfy(\.isWhitespace) { allSucceeded = execute(pending.text) && allSucceeded }
        return allSucceeded
    }

    private func runInteractive() {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let history = (home as NSString).appendingPathComponent(".fdfa_history")
        let editor = LineEditor(completer: Completer(session: session), historyPath: history)
        let guide = LessonGuide(session: session, editor: editor, report: report)
        print("fdfa — type help for the built-ins, help \"syntax\" for the language; Ctrl-D leaves.")
        var pending = PendingCell()
        while true {
            switch editor.read(prompt: pending.isEmpty ? Repl.prompt : Repl.continuationPrompt) {
            case .end:
                guard pending.isEmpty else {
                    // Ctrl-D inside an open block drops the block, as Ctrl-C does; a second one leaves.
                    print("\n(block discarded; Ctrl-D again leaves)")
                    pending.discard()
                    continue
                }
                print()
                return
            case .interrupted:
                print("^C")
                pending.discard()
            case .line(let line):
                if pending.isEmpty, let request = LessonGuide.requestedLesson(line) {
                    guide.walk(request.number, from: request.step)
                    continue
                }
                guard let cell = pending.add(line) else { continue }
                editor.remember(cell) // a block is one history entry: Up recalls all of it
                if Repl.isExit(cell) { return }
                if !cell.allSatisfy(\.isWhitespace) { execute(cell) }
            }
        }
    }

    /// `exit`, `quit`, `exit()` or `quit()` alone: leave, as Ctrl-D does.
    static func isExit(_ cell: String) -> Bool {
        ["exit", "quit", "exit()", "quit()"].contains(cell.trimmingCharacters(in: .whitespaces))
    }

    /// Runs one cell, printing any error to stderr. Returns whether it succeeded.
    @discardableResult
    private func execute(_ text: String) -> Bool {
        do {
            try session.execute(text)
            return true
        } catch {
            report(error)
            return false
        }
    }

    /// Prints an error to stderr (an interruption on a line of its own, after the terminal's "^C").
    private func report(_ error: Error) {
        let interrupted = (error as? LanguageError)?.kind == .interrupted
        FileHandle.standardError.write(Data("\(interrupted ? "\n" : "")\(error)\n".utf8))
    }
}
