import FDFAEngine
@testable import FDFALanguage
import XCTest

/// Ctrl-C (`Interrupt.request()`) stops long built-ins between their units of work: each of these
/// would run for minutes; interrupted, it ends in the `interrupted` error and the session goes on.
final class InterruptTests: XCTestCase {
    private func assertInterrupted(_ captured: Captured, _ code: String, file: StaticString = #filePath, line: UInt = #line) {
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { Interrupt.request() }
        let start = Date()
        do {
            try captured.run(code)
            XCTFail("\(code) finished before Ctrl-C", file: file, line: line)
        } catch let error as LanguageError {
            XCTAssertEqual(error.kind, .interrupted, "\(code): \(error)", file: file, line: line)
        } catch {
            XCTFail("\(code): \(error)", file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "\(code) did not stop soon after Ctrl-C", file: file, line: line)
        XCTAssertEqual(try captured.run("1 + 1"), "2\n", file: file, line: line)
    }

    func testLongBuiltinsStopOnCtrlC() throws {
        let captured = Captured()
        try captured.run("""
            data = load("synthetic", shape=[16], classes=10, train=256, test=200000)
            big = load("synthetic", shape=[16], classes=10, train=256, test=4000000)
            net = fc(data, [256, 256])
            b = batch(data, 500)
            r = 0..<1e14
            """)
        assertInterrupted(captured, "variance(net, b, estimator=\"FG-W\", draws=100000000)")
        assertInterrupted(captured, "variance(net, b, estimator=\"FDFA\", draws=1)") // the Jacobian's passes
        assertInterrupted(captured, "jacobian(net, b)")
        assertInterrupted(captured, "align(net, b)")
        assertInterrupted(captured, "eval(net, big, batch=1)")
        assertInterrupted(captured, "for i in r { }")
    }
}
