@testable import FDFALanguage
import Foundation
import XCTest

/// Sizes a program chooses are checked before anything is allocated, and structures of any depth
/// are compared and printed without exhausting the stack: each case is an error (or a value), and
/// the session with its variables and networks carries on.
final class ResourceLimitTests: XCTestCase {
    func testImpossibleAllocationsAreErrorsAndTheSessionStays() throws {
        let captured = Captured()
        try captured.run("""
            keep = ones(2)
            data = load("synthetic", shape=[16], classes=4, train=64, test=32)
            net = fc(data, [8])
            """)
        let cases = [
            "zeros(1e12)",
            "zeros(1e7, 1e7)",
            "randn(1e14, 1e14, 1e14)", // the element count overflows an Int
            "tensor(0..<1e14)",
            "fc(data, [1e9])",
            "stack([3, 32, 32], conv(1e6, 3), flatten(), linear(10))",
            "load(\"synthetic\", shape=[100000, 1000])",
            "matmul(ones(1e6, 1), ones(1, 1e7))",
        ]
        for code in cases {
            let message = captured.error(code)
            XCTAssertTrue(message.contains("would need"), "\(code): \(message)")
        }
        XCTAssertEqual(try captured.run("print(sum(keep), net.steps)"), "2 0\n")
    }

    func testDeepListsCompareAndPrintWithoutRecursingOnTheStack() throws {
        let captured = Captured()
        try captured.run("""
            x = []
            y = []
            for i in 0..<200000 {
                x = [x]
                y = [y]
            }
            """)
        XCTAssertEqual(try captured.run("x == y"), "true\n")
        XCTAssertEqual(try captured.run("[x, 1] == [y, 2]"), "false\n")
        let printed = try captured.run("print(x)")
        XCTAssertTrue(printed.hasPrefix(String(repeating: "[", count: Display.maximumNesting) + "[…]"), String(printed.prefix(120)))
        XCTAssertTrue(captured.error("tensor(x)").contains("at most 32 dimensions"))
        XCTAssertEqual(try captured.run("x = 0\ny = 0\nx + 1"), "1\n")
    }

    /// The buffers of a pass (every layer's outputs, gradients and scratch for each sample at once)
    /// are checked before training or evaluating, not only the parameters: a wide layer at a large
    /// batch is a language error and the network stays as it was.
    func testAHugeBatchThroughAWideNetworkIsAnError() throws {
        let captured = Captured()
        try captured.run("""
            data = load("synthetic", shape=[16], classes=4, train=20000, test=20000)
            net = fc(data, [1e6])
            """)
        for code in ["train(net, data, batch=1e7)", "train(net, data, batch=20000, steps=1)", "eval(net, data, batch=1e7)",
                     "eval(net, batch(data.test, 20000), per_class=true)", "step(net, batch(data, 20000))"] {
            let message = captured.error(code)
            XCTAssertTrue(message.contains("a batch of 20000 samples through this network") && message.contains("would need"),
                          "\(code): \(message)")
        }
        XCTAssertEqual(try captured.run("print(net.steps, net.epochs)"), "0 0\n")
    }

    /// A list nested 100,000 levels deep and a record chain as long die on a thread with a 256 KiB
    /// stack (a recursive drop needs tens of bytes a level even in release, megabytes in all):
    /// freeing them must not recurse. The session builds them; the test holds the last reference.
    func testDeepStructuresAreFreedOnASmallStack() throws {
        let captured = Captured()
        try captured.run("""
            x = []
            r = {}
            for i in 0..<100000 {
                x = [x, i]
                r = {next: r}
            }
            """)
        nonisolated(unsafe) var held = [captured.session.variable(named: "x")!, captured.session.variable(named: "r")!]
        try captured.run("del x\ndel r")
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            held = []
            done.signal()
        }
        thread.stackSize = 256 << 10
        thread.start()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "freeing did not finish")
        XCTAssertEqual(held.count, 0)
        XCTAssertEqual(try captured.run("len([[1], [2, 3]][1])"), "2\n")
    }

    func testADefaultArgumentThatRecursesIsRecursionTooDeep() {
        let captured = Captured()
        XCTAssertTrue(captured.error("fn f(a = f()) { return a }\nf()").contains("recursion too deep"))
        XCTAssertEqual(try captured.run("f(3)"), "3\n")
    }

    func testRangesCompareWithoutListingTheirElements() throws {
        XCTAssertEqual(try output("r = 0..<1e14\nr == r"), "true\n")
        XCTAssertEqual(try output("[0..<3 == range(0, 3), 0..<3 == 0..<4, range(0, 5, 2) == range(0, 6, 2), 5..<5 == 7..<2]"),
                       "[true, false, true, true]\n")
    }
}
