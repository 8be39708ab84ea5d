/// Builds the syntax tree from tokens by recursive descent, one function per grammar rule.
///
/// Newlines: a statement ends at a line break, `;` or `}`. Inside `( )`, `[ ]` and record braces
/// line breaks are ignored, so long calls and lists may span lines; a binary operator at the end of
/// a line also continues the expression onto the next.
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons, ranges (`..` `..<`), `+ -`,
/// `* / % @`, unary `-`, `^` (right-associative), then calls, indexing and fields.
public struct Parser {
    /// Deeper nesting than this is reported as an error instead of risking the stack.
    static let maximumNesting = 200

    private let tokens: [Token]
    private var position = 0
    private var insideGroup = false
    private var nesting = 0

    /// Parses a whole program (a file, a cell or one REPL entry).
    public static func parse(_ source: Source) throws -> [Stmt] {
        var parser = Parser(tokens: try Lexer.tokenize(source))
        return try parser.program()
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    // MARK: Token helpers

    private var token: Token { tokens[position] }
    private var nextToken: Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() -> Token {
        defer { if position < tokens.count - 1 { position += 1 } }
        return token
    }

    private func check(_ symbol: Symbol) -> Bool { token.kind == .symbol(symbol) }
    private func check(_ keyword: Keyword) -> Bool { token.kind == .keyword(keyword) }

    private mutating func match(_ symbol: Symbol) -> Bool {
        guard check(symbol) else { return false }
        _ = advance()
        return true
    }

    private mutating func match(_ keyword: Keyword) -> Bool {
        guard check(keyword) else { return false }
        _ = advance()
        return true
    }

    @discardableResult
    private mutating func expect(_ symbol: Symbol, _ context: String) throws -> Token {
        guard check(symbol) else { throw error("expected '\(symbol.rawValue)' \(context)") }
        return advance()
    }

    private mutating func identifier(_ what: String) throws -> String {
        guard case .identifier(let name) = token.kind else { throw error("expected \(what)") }
        _ = advance()
        return name
    }

    /// An error at the current token; at the end of input it means "type more" to the REPL.
    private func error(_ expectation: String) -> LanguageError {
        LanguageError.syntax("\(expectation), found \(token.quoted)", at: token.location, needsMoreInput: token.kind == .end)
    }

    /// Whether an operator here continues the expression (false at a line break outside brackets).
    private var continuesExpression: Bool { insideGroup || !token.newlineBefore }

    /// Counts one level of nesting; pair with `leave()`.
    private mutating func enter() throws {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw LanguageError.syntax("too deeply nested (more than \(Parser.maximumNesting) levels)", at: token.location)
        }
    }

    private mutating func leave() { nesting -= 1 }

    /// Runs `body` with line breaks ignored (inside brackets) or significant (inside a block).
    private mutating func grouped<T>(_ ignoringNewlines: Bool, _ body: (inout Parser) throws -> T) throws -> T {
        let saved = insideGroup
        insideGroup = ignoringNewlines
        defer { insideGroup = saved }
        try enter()
        defer { leave() }
        return try body(&self)
    }

    // MARK: Statements

    private mutating func program() throws -> [Stmt] {
        var statements: [Stmt] = []
        while token.kind != .end { statements.append(try statement()) }
        return statements
    }

    private mutating func block(_ context: String) throws -> [Stmt] {
        let open = try expect(.leftBrace, context)
        return try grouped(false) { parser in
            var statements: [Stmt] = []
            while !parser.check(.rightBrace) {
                if parser.token.kind == .end {
                    throw parser.error("expected '}' to close the block opened at \(open.location.line):\(open.location.column)")
                }
                statements.append(try parser.statement())
            }
            _ = parser.advance()
            return statements
        }
    }

    private mutating func statement() throws -> Stmt {
        let start = token.location
        let kind: Stmt.Kind
        switch token.kind {
        case .keyword(.fn) where nextToken.kind != .symbol(.leftParen):
            _ = advance()
            let name = try identifier("a function name after 'fn'")
            kind = .function(try functionRest(name: name, at: start))
        case .keyword(.if):
            kind = try ifRest()
        case .keyword(.while):
            _ = advance()
            let condition = try expression()
            kind = .whileLoop(condition, try block("after the 'while' condition"))
        case .keyword(.for):
            _ = advance()
            let name = try identifier("a loop variable after 'for'")
            guard match(.in) else { throw error("expected 'in' after 'for \(name)'") }
            let sequence = try expression()
            kind = .forLoop(name, sequence, try block("after the 'for' sequence"))
        case .keyword(.return):
            _ = advance()
            kind = .returnValue(atStatementEnd ? nil : try expression())
        case .keyword(.break):
            _ = advance()
            kind = .breakLoop
        case .keyword(.continue):
            _ = advance()
            kind = .continueLoop
        case .keyword(.time):
            _ = advance()
            kind = .time(try block("after 'time'"))
        case .symbol(.question) where helpTopic(nextToken) != nil && !nextToken.newlineBefore:
            _ = advance()
            kind = helpCall(advance(), at: start)
        case _ where helpTopic(token) != nil && nextToken.kind == .symbol(.question) && !nextToken.newlineBefore:
            kind = helpCall(advance(), at: start)
            _ = advance()
        case .identifier("del") where nextToken.kind.isIdentifier && !nextToken.newlineBefore:
            _ = advance()
            let target = try expression()
            switch target.kind {
            case .variable, .field, .index: kind = .delete(target)
            default: throw LanguageError.syntax("del removes a variable, a field or an element: del x, del r.f, del xs[0]", at: target.location)
            }
        case .identifier("help") where helpTopic(nextToken) != nil && !nextToken.newlineBefore:
            _ = advance()
            kind = helpCall(advance(), at: start)
        case .identifier(let name) where startsCommandArgument(nextToken):
            _ = advance()
            kind = .expression(Expr(.call(Expr(.variable(name), at: start), try commandArguments()), at: start))
        default:
            kind = try expressionOrAssignment()
        }
        // After a block's closing brace another statement may follow on the same line.
        if !endsWithBlock(kind) { try expectStatementEnd() }
        return Stmt(kind, at: start)
    }

    private func endsWithBlock(_ kind: Stmt.Kind) -> Bool {
        switch kind {
        case .ifElse, .whileLoop, .forLoop, .function, .time: return true
        default: return false
        }
    }

    private var atStatementEnd: Bool {
        check(.semicolon) || check(.rightBrace) || token.kind == .end || token.newlineBefore
    }

    private mutating func expectStatementEnd() throws {
        if match(.semicolon) { return }
        guard atStatementEnd else { throw error("expected a line break or ';' after the statement") }
    }

    /// The word `help`, `?word` and `word?` ask about: a name, or a keyword (`help for`).
    private func helpTopic(_ token: Token) -> String? {
        switch token.kind {
        case .identifier(let name): return name
        case .keyword(let keyword): return keyword.rawValue
        default: return nil
        }
    }

    /// `help("topic")`: the word as a string, which help looks up as a language topic (`syntax`, a keyword,
    /// `del`), a global variable (`help f` describes the user's function f) or a built-in (`?zeros`), so
    /// that a name that is none of them gets help's own message, not an unknown variable's.
    private func helpCall(_ topic: Token, at start: SourceLocation) -> Stmt.Kind {
        let argument = Expr(.literal(.string(helpTopic(topic)!)), at: topic.location)
        return .expression(Expr(.call(Expr(.variable("help"), at: start), [CallArgument(label: nil, value: argument)]), at: start))
    }

    /// `help zeros`, `seed 42`: a name followed on the same line by a plain operand is a call
    /// without parentheses (command style).
    private func startsCommandArgument(_ next: Token) -> Bool {
        guard !next.newlineBefore else { return false }
        switch next.kind {
        case .identifier, .number, .string, .keyword(.true), .keyword(.false), .keyword(.none): return true
        default: return false
        }
    }

    private mutating func commandArguments() throws -> [CallArgument] {
        var arguments = [try argument()]
        while match(.comma) { arguments.append(try argument()) }
        return arguments
    }

    private mutating func ifRest() throws -> Stmt.Kind {
        _ = advance() // 'if'
        let condition = try expression()
        let then = try block("after the 'if' condition")
        guard match(.else) else { return .ifElse(condition, then, []) }
        if check(.if) {
            let location = token.location
            return .ifElse(condition, then, [Stmt(try ifRest(), at: location)])
        }
        return .ifElse(condition, then, try block("after 'else'"))
    }

    private mutating func functionRest(name: String?, at location: SourceLocation) throws -> FunctionDeclaration {
        try expect(.leftParen, "to start the parameter list")
        let parameters = try grouped(true) { parser in
            var parameters: [FunctionDeclaration.Parameter] = []
            while !parser.check(.rightParen) {
                let name = try parser.identifier("a parameter name")
                if parameters.contains(where: { $0.name == name }) {
                    throw LanguageError.syntax("parameter '\(name)' appears twice", at: parser.tokens[parser.position - 1].location)
                }
                let defaultValue = parser.match(.assign) ? try parser.expression() : nil
                if defaultValue == nil, parameters.last?.defaultValue != nil {
                    throw parser.error("expected '=' and a default for '\(name)' (it follows a parameter with a default)")
                }
                parameters.append(.init(name: name, defaultValue: defaultValue))
                if !parser.match(.comma) { break }
            }
            try parser.expect(.rightParen, "after the parameters")
            return parameters
        }
        return FunctionDeclaration(name: name, parameters: parameters, body: try block("to start the function body"), location: location)
    }

    private static let assignments: [Symbol: BinaryOperator?] = [
        .assign: nil, .plusAssign: .add, .minusAssign: .subtract, .timesAssign: .multiply, .divideAssign: .divide,
    ]

    private mutating func expressionOrAssignment() throws -> Stmt.Kind {
        let target = try expression()
        guard case .symbol(let symbol) = token.kind, let op = Parser.assignments[symbol] else { return .expression(target) }
        guard isAssignable(target) else {
            if case .field(let base, let name) = target.kind, case .call = base.kind {
                throw LanguageError.syntax("cannot assign to a field of a call's result (a copy); to write a parameter use set_param: set_param(net.layer(2), \"\(name)\", value)", at: target.location)
            }
            throw LanguageError.syntax("cannot assign to this; assign to a name, a field (a.b) or an element (a[i])", at: target.location)
        }
        _ = advance()
        return .assign(target, op, try expression())
    }

    private func isAssignable(_ target: Expr) -> Bool {
        switch target.kind {
        case .variable: return true
        case .field(let base, _), .index(let base, _): return isAssignable(base)
        default: return false
        }
    }

    // MARK: Expressions

    mutating func expression() throws -> Expr { try or() }

    /// `operand (operator operand)*`, grouping to the left: the loop shared by `or`, `and` and the
    /// arithmetic levels. The tree deepens with each operator, so each counts as a nesting level.
    private mutating func leftAssociative<Operator>(
        _ operand: (inout Parser) throws -> Expr,
        operator next: (Parser) -> Operator?,
        _ build: (Operator, Expr, Expr) -> Expr.Kind
    ) throws -> Expr {
        var left = try operand(&self)
        let outerNesting = nesting
        defer { nesting = outerNesting }
        while continuesExpression, let op = next(self) {
            let location = advance().location
            try enter()
            left = Expr(build(op, left, try operand(&self)), at: location)
        }
        return left
    }

    private mutating func or() throws -> Expr {
        try leftAssociative({ try $0.and() }, operator: { $0.check(.or) ? LogicalOperator.or : nil }) { .logical($0, $1, $2) }
    }

    private mutating func and() throws -> Expr {
        try leftAssociative({ try $0.negation() }, operator: { $0.check(.and) ? LogicalOperator.and : nil }) { .logical($0, $1, $2) }
    }

    private mutating func negation() throws -> Expr {
        guard check(.not) else { return try comparison() }
        let location = advance().location
        try enter()
        defer { leave() }
        return Expr(.unary(.not, try negation()), at: location)
    }

    private static let comparisons: [Symbol: BinaryOperator] = [
        .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
    ]

    private mutating func comparison() throws -> Expr {
        let left = try range()
        guard continuesExpression, case .symbol(let symbol) = token.kind, let op = Parser.comparisons[symbol] else { return left }
        let location = advance().location
        return Expr(.binary(op, left, try range()), at: location)
    }

    private mutating func range() throws -> Expr {
        let left = try binary(level: 0)
        guard continuesExpression, check(.through) || check(.upTo) else { return left }
        let op = advance()
        return Expr(.range(left, try binary(level: 0), inclusive: op.kind == .symbol(.through)), at: op.location)
    }

    /// Left-associative operator levels, loosest first.
    private static let binaryLevels: [[Symbol: BinaryOperator]] = [
        [.plus: .add, .minus: .subtract],
        [.times: .multiply, .divide: .divide, .modulo: .modulo, .matmul: .matmul],
    ]

    private mutating func binary(level: Int) throws -> Expr {
        guard level < Parser.binaryLevels.count else { return try unary() }
        return try leftAssociative({ try $0.binary(level: level + 1) }, operator: { parser in
            guard case .symbol(let symbol) = parser.token.kind else { return nil }
            return Parser.binaryLevels[level][symbol]
        }) { .binary($0, $1, $2) }
    }

    private mutating func unary() throws -> Expr {
        guard check(.minus) else { return try power() }
        let location = advance().location
        try enter()
        defer { leave() }
        return Expr(.unary(.negate, try unary()), at: location)
    }

    private mutating func power() throws -> Expr {
        let base = try postfix()
        guard continuesExpression, check(.power) else { return base }
        let location = advance().location
        try enter()
        defer { leave() }
        return Expr(.binary(.power, base, try unary()), at: location)
    }

    private mutating func postfix() throws -> Expr {
        var value = try primary()
        let outerNesting = nesting
        defer { nesting = outerNesting }
        while continuesExpression, check(.leftParen) || check(.leftBracket) || check(.dot) {
            try enter()
            let location = advance().location
            switch tokens[position - 1].kind {
            case .symbol(.leftParen): value = Expr(.call(value, try callArguments()), at: value.location) // errors point at the name
            case .symbol(.leftBracket): value = Expr(.index(value, try indexComponents()), at: location)
            default: value = Expr(.field(value, try identifier("a field name after '.'")), at: location)
            }
        }
        return value
    }

    private mutating func callArguments() throws -> [CallArgument] {
        try grouped(true) { parser in
            var arguments: [CallArgument] = []
            while !parser.check(.rightParen) {
                let argument = try parser.argument()
                if argument.label == nil, arguments.last?.label != nil {
                    throw LanguageError.syntax("a positional argument cannot follow a keyword argument", at: argument.value.location)
                }
                arguments.append(argument)
                if !parser.match(.comma) { break }
            }
            try parser.expect(.rightParen, "to close the argument list")
            return arguments
        }
    }

    /// `value` or `name=value`.
    private mutating func argument() throws -> CallArgument {
        if case .identifier(let name) = token.kind, nextToken.kind == .symbol(.assign) {
            position += 2
            return CallArgument(label: name, value: try expression())
        }
        return CallArgument(label: nil, value: try expression())
    }

    private mutating func indexComponents() throws -> [IndexComponent] {
        try grouped(true) { parser in
            var components: [IndexComponent] = []
            repeat {
                let start = parser.check(.colon) || parser.check(.comma) ? nil : try parser.expression()
                if parser.match(.colon) {
                    let end = parser.check(.comma) || parser.check(.rightBracket) ? nil : try parser.expression()
                    components.append(.slice(start, end))
                } else if let start {
                    components.append(.single(start))
                } else {
                    throw parser.error("expected an index or a slice")
                }
            } while parser.match(.comma)
            try parser.expect(.rightBracket, "to close the index")
            return components
        }
    }

    private mutating func primary() throws -> Expr {
        let start = token
        switch start.kind {
        case .number(let n):
            _ = advance()
            return Expr(.literal(.number(n)), at: start.location)
        case .string(let s):
            _ = advance()
            return Expr(.literal(.string(s)), at: start.location)
        case .keyword(.true), .keyword(.false):
            _ = advance()
            return Expr(.literal(.bool(start.kind == .keyword(.true))), at: start.location)
        case .keyword(.none):
            _ = advance()
            return Expr(.literal(.none), at: start.location)
        case .identifier(let name):
            _ = advance()
            return Expr(.variable(name), at: start.location)
        case .keyword(.fn):
            _ = advance()
            return Expr(.function(try functionRest(name: nil, at: start.location)), at: start.location)
        case .symbol(.leftParen):
            _ = advance()
            return try grouped(true) { parser in
                let inner = try parser.expression()
                try parser.expect(.rightParen, "to close '(' at \(start.location.line):\(start.location.column)")
                return inner
            }
        case .symbol(.leftBracket):
            _ = advance()
            return Expr(.list(try listItems()), at: start.location)
        case .symbol(.leftBrace):
            _ = advance()
            return Expr(.record(try recordFields()), at: start.location)
        default:
            throw error("expected a value")
        }
    }

    private mutating func listItems() throws -> [Expr] {
        try grouped(true) { parser in
            var items: [Expr] = []
            while !parser.check(.rightBracket) {
                items.append(try parser.expression())
                if !parser.match(.comma) { break }
            }
            try parser.expect(.rightBracket, "to close the list")
            return items
        }
    }

    /// `{name: value, "any text": value}`.
    private mutating func recordFields() throws -> [(name: String, value: Expr)] {
        try grouped(true) { parser in
            var fields: [(name: String, value: Expr)] = []
            while !parser.check(.rightBrace) {
                let name: String
                switch parser.token.kind {
                case .identifier(let s), .string(let s): name = s
                default: throw parser.error("expected a field name in the record")
                }
                _ = parser.advance()
                try parser.expect(.colon, "after the field name '\(name)'")
                fields.append((name, try parser.expression()))
                if !parser.match(.comma) { break }
            }
            try parser.expect(.rightBrace, "to close the record")
            return fields
        }
    }
}
