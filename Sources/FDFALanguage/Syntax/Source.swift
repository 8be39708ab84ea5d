/// A piece of program text with the name errors should cite: a file path, `<repl>`, or a notebook.
///
/// `firstLine` lets a cell cut out of a larger file report lines of that file, not of the cell.
public final class Source {
    public let name: String
    public let text: String
    public let firstLine: Int

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
    }

    /// The text of line `line` (numbered as in `SourceLocation`), without its newline.
    public func lineText(_ line: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = line - firstLine
        return lines.indices.contains(index) ? String(lines[index]) : ""
    }
}

/// A position in a `Source`: 1-based line (already offset by `firstLine`) and 1-based column.
public struct SourceLocation: CustomStringConvertible {
    public let source: Source
    public let line: Int
    public let column: Int

    public var description: String { "\(source.name):\(line):\(column)" }
}
