@testable import FDFALanguage
import XCTest

final class NotebookTests: XCTestCase {
    private let script = """
        # a toy forward gradient
        seed 3
        w = randn(4)

        fn loss(v) {
          r = v - 1

          return dot(r, r)
        }
        print("loss", loss(w))

        time { s = sum(w) }
        s
        """

    private func record(_ script: String) throws -> Notebook {
        let session = Session(output: { _ in })
        for cell in Cells.split(script) { try session.execute(cell.text, firstLine: cell.firstLine) }
        return Notebook(cells: session.transcript)
    }

    func testCellsAreBlankLineSeparatedButBlocksStayWhole() {
        let cells = Cells.split(script)
        XCTAssertEqual(cells.map(\.firstLine), [1, 5, 12])
        XCTAssertTrue(cells[1].text.hasPrefix("fn loss(v) {") && cells[1].text.hasSuffix("print(\"loss\", loss(w))"))
    }

    func testMarkdownRoundTrip() throws {
        let notebook = try record(script)
        XCTAssertEqual(notebook.cells.count, 3)
        XCTAssertEqual(notebook.cells[0].output, "")
        XCTAssertTrue(notebook.markdown.contains("```fdfa\nfn loss(v) {"))
        XCTAssertTrue(notebook.markdown.contains("```output\nloss "))
        XCTAssertEqual(Notebook(markdown: notebook.markdown), notebook)
        let tricky = Notebook(cells: [Cell(input: "print(\"```\")", output: "```\n")])
        XCTAssertEqual(Notebook(markdown: tricky.markdown), tricky)
    }

    func testRecordThenReplayPassesAndIsRepeatable() throws {
        let notebook = try record(script)
        XCTAssertEqual(try record(script).markdown.replacingOccurrences(of: #"time: .*"#, with: "", options: .regularExpression),
                       notebook.markdown.replacingOccurrences(of: #"time: .*"#, with: "", options: .regularExpression))
        XCTAssertTrue(Replay.run(Notebook(markdown: notebook.markdown), tolerance: 1e-4).isEmpty)
    }

    func testTamperedNotebookFailsWithADiff() throws {
        var notebook = try record(script)
        let cell = notebook.cells[1]
        notebook.cells[1] = Cell(input: cell.input, output: "loss 1234.5\n")
        let mismatches = Replay.run(notebook, tolerance: 1e-4)
        XCTAssertEqual(mismatches.count, 1)
        XCTAssertEqual(mismatches[0].cellNumber, 2)
        let diff = mismatches[0].description
        XCTAssertTrue(diff.hasPrefix("cell 2: fn loss(v) {\n  - loss 1234.5\n  + loss "), diff)
    }

    func testToleranceIsRelativeAndHonoured() throws {
        XCTAssertTrue(Replay.outputsMatch("loss 100.0 [1, 2]\n", "loss 100.005 [1, 2]\n", tolerance: 1e-4))
        XCTAssertFalse(Replay.outputsMatch("loss 100.0\n", "loss 100.05\n", tolerance: 1e-4))
        XCTAssertTrue(Replay.outputsMatch("loss 100.0\n", "loss 100.05\n", tolerance: 1e-3))
        XCTAssertFalse(Replay.outputsMatch("loss 1e-9\n", "loss 2e-9\n", tolerance: 1e-4))
        XCTAssertFalse(Replay.outputsMatch("tensor[3]\n", "tensor[4]\n", tolerance: 0.1))
        XCTAssertFalse(Replay.outputsMatch("a\n", "b\n", tolerance: 1))
        XCTAssertTrue(Replay.outputsMatch("time: 3.1 ms\n", "time: 1.200 s\n", tolerance: 0))

        var notebook = try record("seed 5\nx = 1 + 1e-5\nx")
        notebook.cells[0] = Cell(input: notebook.cells[0].input, output: "1\n")
        XCTAssertTrue(Replay.run(notebook, tolerance: 1e-4).isEmpty)
        XCTAssertEqual(Replay.run(notebook, tolerance: 1e-6).count, 1)
    }

    func testAFailingCellIsReportedAsADifference() throws {
        let notebook = Notebook(cells: [Cell(input: "nope", output: "")])
        let mismatches = Replay.run(notebook, tolerance: 1e-4)
        XCTAssertTrue(mismatches.first?.description.contains("+ cell 1:1:1: error: unknown variable 'nope'") == true)
    }

    func testSaveWritesScriptAndNotebook() throws {
        let directory = try temporaryDirectory(self)
        let session = Captured()
        try session.run("x = 2")
        XCTAssertThrowsError(try session.run("oops"))
        try session.run("x * 21")
        try session.run("save \"\(directory.path)/s.fdfa\"")
        try session.run("save \"\(directory.path)/s.md\"")
        XCTAssertEqual(try String(contentsOfFile: directory.path + "/s.fdfa", encoding: .utf8), "x = 2\n\nx * 21\n")
        let notebook = Notebook(markdown: try String(contentsOfFile: directory.path + "/s.md", encoding: .utf8))
        XCTAssertEqual(notebook.cells.prefix(2), [Cell(input: "x = 2", output: ""), Cell(input: "x * 21", output: "42\n")])
        XCTAssertEqual(notebook.cells.count, 3, "the first save is a cell too")
    }
}
