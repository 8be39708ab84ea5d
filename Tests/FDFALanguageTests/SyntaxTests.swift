@testable import FDFALanguage
import XCTest

final class SyntaxTests: XCTestCase {
    private func kinds(_ text: String) throws -> [TokenKind] {
        try Lexer.tokenize(Source(name: "t", text: text)).map(\.kind)
    }

    func testLexerTokens() throws {
        XCTAssertEqual(try kinds("x = 1.5e2 # comment\n\"a\\n\" ..< 1..3"), [
            .identifier("x"), .symbol(.assign), .number(150), .string("a\n"), .symbol(.upTo),
            .number(1), .symbol(.through), .number(3), .end,
        ])
        XCTAssertEqual(try kinds("fn if x_1 <= @"), [.keyword(.fn), .keyword(.if), .identifier("x_1"), .symbol(.lessEqual), .symbol(.matmul), .end])
    }

    func testLexerRecordsLineBreaksAndPositions() throws {
        let tokens = try Lexer.tokenize(Source(name: "t", text: "a\n  b"))
        XCTAssertEqual(tokens.map(\.newlineBefore), [true, true, false])
        XCTAssertEqual(tokens[1].location.line, 2)
        XCTAssertEqual(tokens[1].location.column, 3)
    }

    func testPrecedence() throws {
        XCTAssertEqual(try output("1 + 2 * 3 ^ 2"), "19\n")
        XCTAssertEqual(try output("-2 ^ 2"), "-4\n")
        XCTAssertEqual(try output("2 ^ 3 ^ 2"), "512\n")
        XCTAssertEqual(try output("(1 + 2) * 3"), "9\n")
        XCTAssertEqual(try output("1 < 2 and 2 < 1 or not false"), "true\n")
        XCTAssertEqual(try output("7 % 3; -7 % 3"), "1\n2\n")
    }

    func testNewlinesEndStatementsExceptInsideBrackets() throws {
        XCTAssertEqual(try output("x = 1\n-2\nx"), "-2\n1\n")
        XCTAssertEqual(try output("x = (1\n - 2)\nx"), "-1\n")
        XCTAssertEqual(try output("f = fn(a,\n b) {\n return a +\n b\n}\nf(1,\n 2)"), "3\n")
        XCTAssertEqual(try output("[1,\n 2,\n]"), "[1, 2]\n")
    }

    func testCommandStyleCalls() throws {
        XCTAssertEqual(try output("print \"a\", 1"), "a 1\n")
        XCTAssertTrue(try output("help zeros").hasPrefix("zeros(dims...)"))
    }

    func testSyntaxErrorPointsAtLineAndColumnWithCaret() {
        let message = Captured().error("x = 1\ny = (2 +\n 3))")
        XCTAssertEqual(message, """
            <repl>:3:4: syntax error: expected a line break or ';' after the statement, found ')'
             3 |  3))
               |    ^
            """)
    }

    func testMissingExpressionMessage() {
        XCTAssertTrue(Captured().error("x = * 2").contains("<repl>:1:5: syntax error: expected a value, found '*'"))
        XCTAssertTrue(Captured().error("for 1 in x {}").contains("expected a loop variable after 'for'"))
        XCTAssertTrue(Captured().error("\"open").contains("unterminated string"))
        XCTAssertTrue(Captured().error("f(a=1, 2)").contains("a positional argument cannot follow a keyword argument"))
        XCTAssertTrue(Captured().error("1 = 2").contains("cannot assign to this"))
    }

    func testIncompleteInputAsksForMore() {
        XCTAssertFalse(Cells.isComplete("fn f(x) {"))
        XCTAssertFalse(Cells.isComplete("x = [1, 2"))
        XCTAssertFalse(Cells.isComplete("x = 1 +"))
        XCTAssertFalse(Cells.isComplete("if x {\n y = 1\n} else"))
        XCTAssertTrue(Cells.isComplete("x = 1)"))
        XCTAssertTrue(Cells.isComplete("fn f(x) {\n return x\n}"))
    }

    func testNestingLimitIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        XCTAssertTrue(Captured().error(deep).contains("too deeply nested"))
        let long = Array(repeating: "1", count: 5000).joined(separator: " + ")
        XCTAssertTrue(Captured().error(long).contains("too deeply nested"))
        let chain = "x" + String(repeating: ".a", count: 5000)
        XCTAssertTrue(Captured().error(chain).contains("too deeply nested"))
    }

    func testErrorLocationsUseTheCellsFirstLine() {
        do {
            try Session(output: { _ in }).execute("\n\n  oops", name: "script.fdfa", firstLine: 10)
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue("\(error)".hasPrefix("script.fdfa:12:3: error: unknown variable 'oops'"), "\(error)")
            XCTAssertTrue("\(error)".contains(" 12 |   oops\n    |   ^"), "\(error)")
        }
    }
}
