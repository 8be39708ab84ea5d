import FDFALanguage
import FDFATestSupport
import XCTest

/// The worked examples in examples/ run without error, and the recorded notebook still replays.
final class ExampleTests: XCTestCase {
    private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    func testEveryExampleScriptRuns() throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".fdfa") }
        XCTAssertGreaterThanOrEqual(scripts.count, 2)
        for script in scripts {
            let session = Session(output: { _ in })
            let text = try String(contentsOf: examples.appendingPathComponent(script), encoding: .utf8)
            for cell in Cells.split(text) {
                XCTAssertNoThrow(try session.execute(cell.text, name: script, firstLine: cell.firstLine), script)
            }
            XCTAssertFalse(session.transcript.isEmpty)
        }
    }

    func testRecordedNotebookReplays() throws {
        let text = try String(contentsOf: examples.appendingPathComponent("forward_gradient.md"), encoding: .utf8)
        let notebook = Notebook(markdown: text)
        XCTAssertEqual(notebook.cells.count, 8)
        let mismatches = Replay.run(notebook, tolerance: 1e-4).mismatches
        XCTAssertTrue(mismatches.isEmpty, mismatches.map(\.description).joined(separator: "\n"))
    }

    /// `fdfa run --record` then `fdfa replay`, through the binary: a tampered notebook fails with a diff.
    func testCommandLineRecordAndReplay() throws {
        let directory = try temporaryDirectory(self)
        let notebook = directory.appendingPathComponent("t.md").path
        let script = examples.appendingPathComponent("tensors.fdfa").path
        XCTAssertEqual(try FDFABinary.run(["run", script, "--record", notebook]).status, 0)
        let replayed = try FDFABinary.run(["replay", notebook])
        XCTAssertEqual(replayed.status, 0, replayed.output)
        XCTAssertTrue(replayed.output.contains("cells match"))

        let recorded = try String(contentsOfFile: notebook, encoding: .utf8)
        let shape = try XCTUnwrap(recorded.range(of: "```output\n[2, 3]"))
        try recorded.replacingCharacters(in: shape, with: "```output\n[2, 4]").write(toFile: notebook, atomically: true, encoding: .utf8)
        let tampered = try FDFABinary.run(["replay", notebook])
        XCTAssertEqual(tampered.status, 1)
        XCTAssertTrue(tampered.output.contains("cell 1: seed 0\n  - [2, 4]\n  + [2, 3]"), tampered.output)
        XCTAssertTrue(tampered.output.contains("1 of 5 cells differ"), tampered.output)
    }
}
