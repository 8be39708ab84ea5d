import FDFALanguage
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
        let mismatches = Replay.run(notebook, tolerance: 1e-4)
        XCTAssertTrue(mismatches.isEmpty, mismatches.map(\.description).joined(separator: "\n"))
    }

    /// `fdfa run --record` then `fdfa replay`, through the binary: a tampered notebook fails with a diff.
    func testCommandLineRecordAndReplay() throws {
        let executable = Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("fdfa").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw XCTSkip("the fdfa binary is not built next to the tests (\(executable))")
        }
        let directory = try temporaryDirectory(self)
        let notebook = directory.appendingPathComponent("t.md").path
        let script = examples.appendingPathComponent("tensors.fdfa").path
        XCTAssertEqual(try run(executable, ["run", script, "--record", notebook]).status, 0)
        let replayed = try run(executable, ["replay", notebook])
        XCTAssertEqual(replayed.status, 0, replayed.output)
        XCTAssertTrue(replayed.output.contains("cells match"))

        let recorded = try String(contentsOfFile: notebook, encoding: .utf8)
        let shape = try XCTUnwrap(recorded.range(of: "```output\n[2, 3]"))
        try recorded.replacingCharacters(in: shape, with: "```output\n[2, 4]").write(toFile: notebook, atomically: true, encoding: .utf8)
        let tampered = try run(executable, ["replay", notebook])
        XCTAssertEqual(tampered.status, 1)
        XCTAssertTrue(tampered.output.contains("cell 2: seed 0\n  - [2, 4]\n  + [2, 3]"), tampered.output)
        XCTAssertTrue(tampered.output.contains("1 of 6 cells differ"), tampered.output)
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
