/// Turns source text into tokens: numbers, "strings", identifiers, keywords and symbols.
/// `#` starts a comment that runs to the end of the line.
struct Lexer {
    private let source: Source
    private let chars: [Unicode.Scalar]
    private var position = 0
    private var line: Int
    private var lineStart = 0

    init(_ source: Source) {
        self.source = source
        chars = Array(source.text.unicodeScalars)
        line = source.firstLine
    }

    /// All tokens, ending with `.end`.
    static func tokenize(_ source: Source) throws -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        repeat { tokens.append(try lexer.next()) } while tokens.last!.kind != .end
        return tokens
    }

    private var current: Unicode.Scalar? { position < chars.count ? chars[position] : nil }
    private var following: Unicode.Scalar? { position + 1 < chars.count ? chars[position + 1] : nil }
    private var location: SourceLocation { SourceLocation(source: source, line: line, column: position - lineStart + 1) }

    private mutating func next() throws -> Token {
        let sawNewline = skipSpaceAndComments()
        let start = location
        guard let c = current else { return Token(kind: .end, location: start, newlineBefore: sawNewline) }
        let kind: TokenKind
        if isDigit(c) {
            kind = .number(try number(start))
        } else if c == "\"" {
            kind = .string(try string(start))
        } else if c == "_" || c.properties.isAlphabetic {
            let word = identifier()
            kind = Keyword(rawValue: word).map(TokenKind.keyword) ?? .identifier(word)
        } else {
            kind = .symbol(try symbol(start))
        }
        return Token(kind: kind, location: start, newlineBefore: sawNewline)
    }

    /// Skips blanks, newlines and comments; tells whether a newline was among them.
    private mutating func skipSpaceAndComments() -> Bool {
        var sawNewline = position == 0
        while let c = current {
            if c == "\n" {
                position += 1
                line += 1
                lineStart = position
                sawNewline = true
            } else if c == " " || c == "\t" || c == "\r" {
                position += 1
            } else if c == "#" {
                while let d = current, d != "\n" { position += 1 }
            } else {
                break
            }
        }
        return sawNewline
    }

    private mutating func number(_ start: SourceLocation) throws -> Double {
        let begin = position
        skipDigits()
        // A '.' belongs to the number only when a digit follows: `1..3` is a range, `1.5` a number.
        if current == ".", let d = following, isDigit(d) {
            position += 1
            skipDigits()
        }
        if current == "e" || current == "E" {
            let mark = position
            position += 1
            if current == "+" || current == "-" { position += 1 }
            if let d = current, isDigit(d) { skipDigits() } else { position = mark }
        }
        let text = String(String.UnicodeScalarView(chars[begin ..< position]))
        guard let value = Double(text) else { throw LanguageError.syntax("malformed number '\(text)'", at: start) }
        return value
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private mutating func skipDigits() {
        while let c = current, isDigit(c) { position += 1 }
    }

    private mutating func string(_ start: SourceLocation) throws -> String {
        position += 1 // opening quote
        var text = String.UnicodeScalarView()
        while let c = current, c != "\"" {
            if c == "\n" { break }
            position += 1
            guard c == "\\" else { text.append(c); continue }
            guard let escaped = current else { break }
            position += 1
            switch escaped {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "\"", "\\": text.append(escaped)
            default:
                throw LanguageError.syntax("unknown escape '\\\(escaped)' (use \\n, \\t, \\\" or \\\\)", at: location)
            }
        }
        guard current == "\"" else { throw LanguageError.syntax("unterminated string (it must close on the same line)", at: start) }
        position += 1
        return String(text)
    }

    private mutating func identifier() -> String {
        let begin = position
        while let c = current, c == "_" || c.properties.isAlphabetic || (c.isASCII && isDigit(c)) { position += 1 }
        return String(String.UnicodeScalarView(chars[begin ..< position]))
    }

    private mutating func symbol(_ start: SourceLocation) throws -> Symbol {
        for length in [3, 2, 1] where position + length <= chars.count {
            let spelling = String(String.UnicodeScalarView(chars[position ..< position + length]))
            if let symbol = Symbol(rawValue: spelling) {
                position += length
                return symbol
            }
        }
        throw LanguageError.syntax("unexpected character '\(chars[position])'", at: start)
    }
}
