/// The words the language reserves; they cannot name variables.
public enum Keyword: String, CaseIterable {
    case `if`, `else`, `for`, `in`, `while`, `fn`, `return`, `break`, `continue`
    case `true`, `false`, `none`, `and`, `or`, `not`, time
}

/// Operators and punctuation. Raw values are the spellings; the lexer tries longest first.
public enum Symbol: String, CaseIterable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}", comma = ",", dot = ".", colon = ":", semicolon = ";"
    case assign = "=", plusAssign = "+=", minusAssign = "-=", timesAssign = "*=", divideAssign = "/="
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", times = "*", divide = "/", modulo = "%", power = "^", matmul = "@"
    case through = "..", upTo = "..<", question = "?"
}

public enum TokenKind: Equatable {
    case number(Double)
    case string(String)
    case identifier(String)
    case keyword(Keyword)
    case symbol(Symbol)
    case end
}

extension TokenKind {
    var isIdentifier: Bool {
        if case .identifier = self { return true }
        return false
    }
}

/// One lexeme. `newlineBefore` records whether a line break separates it from the previous token:
/// statements end at line breaks, except inside parentheses and brackets (see `Parser`).
public struct Token {
    public let kind: TokenKind
    public let location: SourceLocation
    public let newlineBefore: Bool

    /// How the token reads in an error message ("expected ')', found 'x'").
    public var quoted: String {
        switch kind {
        case .number(let n): return "number \(Display.number(n))"
        case .string: return "a string"
        case .identifier(let name): return "'\(name)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .end: return "end of input"
        }
    }
}
