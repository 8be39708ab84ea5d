import FDFALanguage
import FDFATraining
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
        var pending = ""
        while let line = readLine(strippingNewline: true) {
            pending += (pending.isEmpty ? "" : "\n") + line
            if Cells.isComplete(pending) {
                allSucceeded = execute(pending) && allSucceeded
                pending = ""
            }
        }
        if !pending.allSatisfy(\.isWhitespace) { allSucceeded = execute(pending) && allSucceeded }
        return allSucceeded
    }

    private func runInteractive() {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let history = (home as NSString).appendingPathComponent(".fdfa_history")
        let editor = LineEditor(completer: Completer(session: session), historyPath: history)
        let guide = LessonGuide(session: session, editor: editor, report: report)
        print("fdfa — type help for the built-ins, help \"syntax\" for the language; Ctrl-D leaves.")
        var pending = ""
        while true {
            switch editor.read(prompt: pending.isEmpty ? Repl.prompt : Repl.continuationPrompt) {
            case .end:
                print()
                return
            case .interrupted:
                print("^C")
                pending = ""
            case .line(let line):
                editor.remember(line)
                if pending.isEmpty, let number = LessonGuide.requestedLesson(line) {
                    guide.walk(number)
                    continue
                }
                pending += (pending.isEmpty ? "" : "\n") + line
                guard Cells.isComplete(pending) else { continue }
                if !pending.allSatisfy(\.isWhitespace) { execute(pending) }
                pending = ""
            }
        }
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
