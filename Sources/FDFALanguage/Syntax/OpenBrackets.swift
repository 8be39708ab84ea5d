/// How many brackets (`( [ {`) the lines read so far leave open, counted line by line.
///
/// Why: the REPL and `Cells.split` ask after every line whether the text so far is complete, and
/// parsing all of it each time is quadratic in a long block. While a bracket is open the text
/// cannot be complete, so only text with none open needs the parser's answer. Strings close on
/// their own line and comments run to its end (see `Lexer`), so one line at a time is exact.
public struct OpenBrackets {
    public private(set) var depth = 0

    public init() {}

    /// True while some bracket is open: the text certainly needs more lines.
    public var isOpen: Bool { depth > 0 }

    /// Counts the brackets of one line (or of several, separated by line breaks).
    public mutating func scan<Line: StringProtocol>(_ line: Line) {
        var inString = false, escaped = false, inComment = false
        for c in line.unicodeScalars {
            if c == "\n" { (inString, inComment) = (false, false) }
            if inComment { continue }
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"": inString = true
            case "#": inComment = true
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: break
            }
        }
    }
}
