import CEditLine
import FDFALanguage
import FDFAEngine
import Foundation

/// The terminal line editor: libedit through its readline-compatible interface (emacs keys, the
/// history file, ^R reverse search, Tab completion).
///
/// libedit calls back through C function pointers that cannot capture Swift state, so the one
/// active editor is reachable through `LineEditor.active`; there is one terminal, so one editor.
///
/// libedit edits wide characters: the key function hands it one Unicode scalar at a time (decoded
/// from the terminal's UTF-8 here, since it would take each byte for a character of its own), and
/// it encodes the line in the C library's character set, which must therefore be UTF-8.
final class LineEditor {
    enum Input {
        case line(String)
        /// Ctrl-C at the prompt: drop what was typed.
        case interrupted
        /// Ctrl-D on an empty line.
        case end
    }

    nonisolated(unsafe) private static var active: LineEditor?
    /// Characters (Unicode scalars) handed to libedit as if typed before the terminal's: a
    /// pre-filled line stays editable.
    nonisolated(unsafe) private static var typeahead: [Int32] = []

    private let completer: Completer
    private let historyPath: String

    init(completer: Completer, historyPath: String) {
        self.completer = completer
        self.historyPath = historyPath
        LineEditor.active = self
        Self.useUTF8Characters()
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
        LineEditor.typeahead = prefill.unicodeScalars.map { Int32(bitPattern: $0.value) }
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

    /// The environment's character set for the C library (LC_CTYPE), or C.UTF-8 when that one is
    /// not UTF-8 (an unset or "C" locale), so that libedit can hold any character typed. Only the
    /// character type changes: numbers are still printed with a decimal point.
    private static func useUTF8Characters() {
        func isUTF8() -> Bool {
            guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
            return ["UTF-8", "utf8"].contains(String(cString: codeset))
        }
        if setlocale(LC_CTYPE, "") != nil, isUTF8() { return }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { setlocale(LC_CTYPE, "C") }
    }

    /// One character of typeahead, else from the terminal: a Unicode scalar decoded from its UTF-8
    /// (U+FFFD for a malformed sequence); -1 (end of input) for Ctrl-C or a closed terminal.
    private static func readKey() -> Int32 {
        if !typeahead.isEmpty { return typeahead.removeFirst() }
        guard let lead = readByte() else { return -1 }
        let continuations = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1
        guard continuations >= 0 else { return 0xFFFD }
        var bytes = [lead]
        for _ in 0 ..< continuations {
            guard let byte = readByte() else { return -1 }
            bytes.append(byte)
        }
        var decoder = UTF8(), iterator = bytes.makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return 0xFFFD }
        return Int32(bitPattern: scalar.value)
    }

    /// One byte from the terminal; nil for Ctrl-C or a closed terminal.
    private static func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let n = Foundation.read(STDIN_FILENO, &byte, 1)
            if n == 1 { return byte }
            if n < 0, errno == EINTR, !Interrupt.requested { continue }
            return nil
        }
    }

    /// The readline match list for the word at `start..<end` (character offsets into the line):
    /// entry 0 is what to insert for several matches (their common prefix), then the matches.
    private func completions(start: Int, end: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        guard let buffer = rl_line_buffer else { return nil }
        // libedit gives `start` and `end` in characters (it edits wide characters) and the line in
        // the C library's multibyte encoding, UTF-8 here: so the line is cut by Unicode scalars.
        let scalars = Array(String(cString: buffer).unicodeScalars.prefix(end))
        guard start <= scalars.count else { return nil }
        let line = String(String.UnicodeScalarView(scalars))
        let (wordStart, candidates) = completer.complete(line)
        guard !candidates.isEmpty else { return nil }
        // Our word may start before or after readline's; re-anchor candidates at readline's start.
        let ourStart = line.prefix(wordStart).unicodeScalars.count
        let anchored: [[Unicode.Scalar]] = candidates.map { candidate in
            ourStart <= start ? Array(candidate.unicodeScalars.dropFirst(start - ourStart)) : Array(scalars[start ..< ourStart]) + candidate.unicodeScalars
        }
        var common = anchored[0]
        for candidate in anchored.dropFirst() {
            common = Array(zip(common, candidate).prefix { $0 == $1 }.map(\.0))
        }
        let entries = (anchored.count == 1 ? [] : [common]) + anchored
        let list = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: entries.count + 1)
        for (i, entry) in entries.enumerated() { list[i] = strdup(String(String.UnicodeScalarView(entry))) }
        list[entries.count] = nil
        return list
    }
}
