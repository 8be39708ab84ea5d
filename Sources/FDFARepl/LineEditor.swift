import CEditLine
import FDFALanguage
import FDFAEngine
import Foundation

/// The terminal line editor: libedit through its readline-compatible interface (emacs keys, the
/// history file, ^R reverse search, Tab completion).
///
/// libedit calls back through C function pointers that cannot capture Swift state, so the one
/// active editor is reachable through `LineEditor.active`; there is one terminal, so one editor.
final class LineEditor {
    enum Input {
        case line(String)
        /// Ctrl-C at the prompt: drop what was typed.
        case interrupted
        /// Ctrl-D on an empty line.
        case end
    }

    nonisolated(unsafe) private static var active: LineEditor?
    /// Bytes handed to libedit as if typed before the terminal's: a pre-filled line stays editable.
    nonisolated(unsafe) private static var typeahead: [UInt8] = []

    private let completer: Completer
    private let historyPath: String

    init(completer: Completer, historyPath: String) {
        self.completer = completer
        self.historyPath = historyPath
        LineEditor.active = self
        rl_readline_name = UnsafePointer(strdup("fdfa"))
        // libedit's own signal handling would re-raise SIGINT; the REPL's handler does the work.
        rl_catch_signals = 0
        // Reading keys ourselves lets Ctrl-C (a read interrupted with EINTR) end the prompt.
        rl_getc_function = { _ in LineEditor.readKey() }
        rl_attempted_completion_function = { _, start, end in LineEditor.active?.completions(start: Int(start), end: Int(end)) }
        rl_completer_word_break_characters = strdup(Completer.wordBreaks)
        rl_completion_append_character = 0
        rl_initialize()
        _ = rl_parse_and_bind("bind ^R em-inc-search-prev")
        stifle_history(2000)
        read_history(historyPath)
    }

    /// Reads a line; `prefill` starts it as if the user had typed it (a lesson's next input).
    func read(prompt: String, prefill: String = "") -> Input {
        Interrupt.clear()
        LineEditor.typeahead = Array(prefill.utf8)
        defer { LineEditor.typeahead = [] }
        guard let raw = readline(prompt) else { return Interrupt.requested ? .interrupted : .end }
        defer { free(raw) }
        return Interrupt.requested ? .interrupted : .line(String(cString: raw))
    }

    /// Adds a line to the history and saves the file at once, so history survives a crash.
    func remember(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace) else { return }
        add_history(line)
        write_history(historyPath)
    }

    /// One byte of typeahead, else from the terminal; -1 (end of input) for Ctrl-C or a closed terminal.
    private static func readKey() -> Int32 {
        if !typeahead.isEmpty { return Int32(typeahead.removeFirst()) }
        var byte: UInt8 = 0
        while true {
            let n = Foundation.read(STDIN_FILENO, &byte, 1)
            if n == 1 { return Int32(byte) }
            if n < 0, errno == EINTR, !Interrupt.requested { continue }
            return -1
        }
    }

    /// The readline match list for the word at `start..<end` (byte offsets into the line):
    /// entry 0 is what to insert for several matches (their common prefix), then the matches.
    private func completions(start: Int, end: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        guard let buffer = rl_line_buffer else { return nil }
        let lineBytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: end))
        let line = String(decoding: lineBytes, as: UTF8.self)
        let (wordStart, candidates) = completer.complete(line)
        guard !candidates.isEmpty else { return nil }
        // Our word may start before or after readline's; re-anchor candidates at readline's start.
        let ourStart = String(line.prefix(wordStart)).utf8.count
        let anchored: [[UInt8]] = candidates.map { candidate in
            ourStart <= start ? Array(Array(candidate.utf8).dropFirst(start - ourStart)) : Array(lineBytes[start ..< ourStart]) + Array(candidate.utf8)
        }
        var common = anchored[0]
        for candidate in anchored.dropFirst() {
            common = Array(zip(common, candidate).prefix { $0 == $1 }.map(\.0))
        }
        let entries = (anchored.count == 1 ? [] : [common]) + anchored
        let list = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: entries.count + 1)
        for (i, entry) in entries.enumerated() { list[i] = strdup(String(decoding: entry, as: UTF8.self)) }
        list[entries.count] = nil
        return list
    }
}
