import FDFAEngine
@testable import FDFALanguage
import FDFATestSupport
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

    /// An interrupted `h = train(...)` gives h the history of the steps it took; a compound
    /// assignment or an expression keeps nothing.
    func testAnInterruptedTrainAssignsItsHistory() throws {
        let captured = Captured()
        try captured.run("""
            data = load("synthetic", shape=[16], classes=4, train=4096, test=64)
            net = fc(data, [64])
            """)
        assertInterrupted(captured, "h = train(net, data, epochs=100000, quiet=true)")
        XCTAssertEqual(try captured.run("len(h.losses) == net.steps and net.steps > 0"), "true\n")
        assertInterrupted(captured, "train(net, data, epochs=100000, quiet=true)")
        XCTAssertEqual(try captured.run("len(h.losses) < net.steps"), "true\n", "h is as it was")
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

    /// Ctrl-C pressed while `load` runs (here: by the print just before it, in the same statement,
    /// so that the interpreter's own check between statements cannot be what stops it) ends the
    /// load with `interrupted`, not a half-loaded data set; the next load reads the files.
    func testLoadStopsOnCtrlC() throws {
        defer { Interrupt.clear() }
        let root = try temporaryDirectory(self).path
        let raw = root + "/MNIST/raw"
        try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
        func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        for (prefix, count) in [("train", 4), ("t10k", 2)] {
            let images = be32(0x803) + be32(count) + be32(28) + be32(28) + [UInt8](repeating: 128, count: count * 784)
            let labels = be32(0x801) + be32(count) + (0 ..< count).map { UInt8($0) }
            try Data(images).write(to: URL(fileURLWithPath: "\(raw)/\(prefix)-images-idx3-ubyte"))
            try Data(labels).write(to: URL(fileURLWithPath: "\(raw)/\(prefix)-labels-idx1-ubyte"))
        }
        let session = Session(output: { if $0.contains("Ctrl-C now") { Interrupt.request() } })
        do {
            try session.execute("r = [print(\"Ctrl-C now\"), load(\"mnist\", data_dir=\"\(root)\")]")
            XCTFail("load finished after Ctrl-C")
        } catch let error as LanguageError {
            XCTAssertEqual(error.kind, .interrupted, "\(error)")
        }
        XCTAssertEqual(try session.execute("d = load(\"mnist\", data_dir=\"\(root)\")\nprint(d.train.count)"), "4\n")
    }

    /// Turning a range into a tensor (0..<1e9 is a legal request taking minutes) stops on Ctrl-C.
    func testRangeToTensorStopsOnCtrlC() throws {
        defer { Interrupt.clear() }
        let session = Session(output: { if $0.contains("Ctrl-C now") { Interrupt.request() } })
        do {
            try session.execute("r = [print(\"Ctrl-C now\"), tensor(0..<3000000)]")
            XCTFail("the conversion finished after Ctrl-C")
        } catch let error as LanguageError {
            XCTAssertEqual(error.kind, .interrupted, "\(error)")
        }
        XCTAssertEqual(try session.execute("print(sum(tensor(0..<4)))"), "6\n")
    }

    /// Generating a large synthetic data set stops on Ctrl-C too (pressed inside the statement, as
    /// above), and the next statement runs.
    func testSyntheticLoadStopsOnCtrlC() throws {
        defer { Interrupt.clear() }
        let session = Session(output: { if $0.contains("Ctrl-C now") { Interrupt.request() } })
        do {
            try session.execute("r = [print(\"Ctrl-C now\"), load(\"synthetic\", shape=[1000], train=100000, test=10, seed=91)]")
            XCTFail("load finished after Ctrl-C")
        } catch let error as LanguageError {
            XCTAssertEqual(error.kind, .interrupted, "\(error)")
        }
        XCTAssertEqual(try session.execute("print(1 + 1)"), "2\n")
    }
}
