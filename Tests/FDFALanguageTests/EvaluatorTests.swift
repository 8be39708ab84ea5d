import FDFAEngine
@testable import FDFALanguage
import XCTest

final class EvaluatorTests: XCTestCase {
    func testValuesAndDisplay() throws {
        XCTAssertEqual(try output("none; true; 2.5; \"q\\\"\"; [1, \"a\"]; {x: 1}; 1..3; 0.1 + 0.2"),
                       "true\n2.5\n\"q\\\"\"\n[1, \"a\"]\n{x: 1}\n1..<4\n0.3\n")
    }

    func testFunctionsDefaultsKeywordsAndClosures() throws {
        let code = """
            fn add(a, b=10) { return a + b }
            print(add(1), add(1, 2), add(b=5, a=1))
            fn counter() {
              n = 0
              fn next() { return n + 1 }
              return next
            }
            c = counter()
            c()
            fn nothing() { x = 1 }
            nothing()
            """
        XCTAssertEqual(try output(code), "11 3 6\n1\n")
    }

    func testFunctionAssignmentsAreLocal() throws {
        XCTAssertEqual(try output("x = 1\nfn f() { x = 2; return x }\nf()\nx"), "2\n1\n")
    }

    func testLoops() throws {
        let code = """
            total = 0
            for i in 1..10 {
              if i == 3 { continue }
              if i > 5 { break }
              total += i
            }
            total
            i = 0
            while true { i += 1; if i >= 4 { break } }
            i
            for x in range(10, 0, -3) { print(x) }
            for row in tensor([[1, 2], [3, 4]]) { print(row) }
            """
        XCTAssertEqual(try output(code), "12\n4\n10\n7\n4\n1\ntensor([1, 2])\ntensor([3, 4])\n")
    }

    func testReturnFromInsideLoop() throws {
        XCTAssertEqual(try output("fn find(xs) { for x in xs { if x > 2 { return x } } return -1 }\nfind([1, 5, 7])\nfind([])"), "5\n-1\n")
    }

    func testListsAndRecordsAreValues() throws {
        let code = """
            a = [1, 2, 3]
            b = a
            b[0] = 9
            print(a, b, a[-1], a[1:], a[:-1])
            r = {lr: 0.1, opt: {beta: 0.9}}
            s = r
            s.opt.beta = 0.5
            s.new = true
            print(r, s)
            """
        XCTAssertEqual(try output(code), "[1, 2, 3] [9, 2, 3] 3 [2, 3] [1, 2]\n{lr: 0.1, opt: {beta: 0.9}} {lr: 0.1, opt: {beta: 0.5}, new: true}\n")
    }

    func testTensorsAreSharedAndIndexable() throws {
        let code = """
            t = tensor([[1, 2, 3], [4, 5, 6]])
            u = t
            u[0, 0] = 100
            t[0, 0]
            t[1]
            t[:, 1:]
            t[-1, -1]
            t[1, :] = 0
            t
            t[0] += 1
            t[0]
            t.shape
            """
        XCTAssertEqual(try output(code), """
            100
            tensor([4, 5, 6])
            tensor([[2, 3],
                    [5, 6]])
            6
            tensor([[100, 2, 3],
                    [0, 0, 0]])
            tensor([101, 3, 4])
            [2, 3]

            """)
    }

    func testElementwiseBroadcastAndComparisons() throws {
        XCTAssertEqual(try output("tensor([[1, 2], [3, 4]]) + tensor([10, 20])"), "tensor([[11, 22],\n        [13, 24]])\n")
        XCTAssertEqual(try output("2 * tensor([1, 2]) - 1"), "tensor([1, 3])\n")
        XCTAssertEqual(try output("tensor([1, 5, 3]) > 2"), "tensor([0, 1, 1])\n")
        XCTAssertEqual(try output("-tensor([1, -2]) ^ 2"), "tensor([-1, -4])\n")
    }

    func testRuntimeErrorsKeepTheSessionIntact() throws {
        let session = Captured()
        try session.run("a = 1\nalpha = 0.5\nt = ones(2, 3)")
        let message = session.error("a = 2\nb = t + ones(3, 2)\na = 3")
        XCTAssertEqual(message, """
            <repl>:2:7: error: shapes [2, 3] and [3, 2] do not match (they must be equal, or one the trailing part of the other)
             2 | b = t + ones(3, 2)
               |       ^
            """)
        XCTAssertEqual(try session.run("a; t.shape"), "2\n[2, 3]\n")
        XCTAssertTrue(session.error("t.nope").contains("tensor has no field 'nope' (fields: shape, rank, count)"))
        XCTAssertTrue(session.error("zeros(\"x\")").contains("zeros: 'dims #1' must be an integer or list, got a string (usage: zeros(dims...))"))
        XCTAssertTrue(session.error("range(1, 2, 3, 4)").contains("range() takes at most 3 arguments, got 4"))
        XCTAssertTrue(session.error("sum(t, axs=1)").contains("sum() has no parameter 'axs' (did you mean 'axis'?)"))
        XCTAssertTrue(session.error("alph").contains("unknown variable 'alph' (did you mean 'alpha'?)"))
        XCTAssertTrue(session.error("ab").hasSuffix("unknown variable 'ab'\n 1 | ab\n   | ^"))
        XCTAssertTrue(session.error("t[5]").contains("index 5 is out of range in dimension 0 (size 2)"))
        XCTAssertTrue(session.error("t @ t").contains("do not line up"))
        XCTAssertTrue(session.error("1()").contains("a number is not a function"))
        XCTAssertEqual(try session.run("a"), "2\n")
    }

    func testErrorsInsideFunctionsNameTheCallSite() {
        let message = Captured().error("fn f(x) {\n  return x + \"s\"\n}\nf(1)")
        XCTAssertTrue(message.hasPrefix("<repl>:2:12: error: cannot apply '+' to a number and a string"), message)
        XCTAssertTrue(message.hasSuffix("called from <repl>:4:1"), message)
    }

    func testRecursionLimit() throws {
        let session = Captured()
        try session.run("fn down(n) { if n == 0 { return 0 } return 1 + down(n - 1) }")
        XCTAssertEqual(try session.run("down(500)"), "500\n")
        let message = session.error("fn forever(n) { return forever(n + 1) }\nforever(0)")
        XCTAssertTrue(message.contains("recursion too deep: more than \(Interpreter.maximumCallDepth) nested calls"), message)
        XCTAssertEqual(try session.run("down(3)"), "3\n")
    }

    func testDeepRecursionWithDeepExpressionsDoesNotOverflow() {
        let nested = String(repeating: "(", count: 150) + "n" + String(repeating: ")", count: 150)
        let message = Captured().error("fn f(n) { return f(\(nested) + 1) }\nf(0)")
        XCTAssertTrue(message.contains("recursion too deep"), message)
    }

    func testInterruptStopsALoopAndKeepsState() throws {
        let session = Captured()
        try session.run("i = 0")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { Interrupt.request() }
        let message = session.error("while true { i += 1 }")
        XCTAssertEqual(message, "error: interrupted")
        XCTAssertGreaterThan(Int(try session.run("i").dropLast())!, 0)
    }

    func testBreakOutsideLoopIsAnError() {
        XCTAssertTrue(Captured().error("break").contains("'break' outside a loop"))
        XCTAssertTrue(Captured().error("return 1").contains("'return' outside a function"))
    }
}
