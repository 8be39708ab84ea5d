import FDFALanguage

/// The lines typed or piped so far that do not yet form complete statements (a block or bracket
/// left open). `add` returns the cell once it is complete; checking costs one line's scan unless
/// no bracket is open, so a long block is read in linear time.
struct PendingCell {
    private(set) var text = ""
    private var brackets = OpenBrackets()

    var isEmpty: Bool { text.isEmpty }

    /// Adds a line; returns the complete cell (and starts a new one) or nil while more is needed.
    mutating func add(_ line: String) -> String? {
        text += (text.isEmpty ? "" : "\n") + line
        brackets.scan(line)
        guard !brackets.isOpen, Cells.isComplete(text) else { return nil }
        defer { discard() }
        return text
    }

    mutating func discard() {
        text = ""
        brackets = OpenBrackets()
    }
}
