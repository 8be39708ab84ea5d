import FDFAEngine
@testable import FDFALanguage
import FDFATestSupport
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
        XCTAssertTrue(Replay.run(Notebook(markdown: notebook.markdown), tolerance: 1e-4).mismatches.isEmpty)
    }

    func testTamperedNotebookFailsWithADiff() throws {
        var notebook = try record(script)
        let cell = notebook.cells[1]
        notebook.cells[1] = Cell(input: cell.input, output: "loss 1234.5\n")
        let mismatches = Replay.run(notebook, tolerance: 1e-4).mismatches
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
        XCTAssertTrue(Replay.run(notebook, tolerance: 1e-4).mismatches.isEmpty)
        XCTAssertEqual(Replay.run(notebook, tolerance: 1e-6).mismatches.count, 1)
    }

    func testAFailingCellIsReportedAsADifference() throws {
        let notebook = Notebook(cells: [Cell(input: "nope", output: "")])
        let mismatches = Replay.run(notebook, tolerance: 1e-4).mismatches
        XCTAssertTrue(mismatches.first?.description.contains("+ error: unknown variable 'nope'") == true, mismatches.first?.description ?? "none")
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
        XCTAssertEqual(notebook.cells.count, 2, "cells that saved are left out, so replaying writes no files")
    }

    /// A cell recorded without running that fails now is a difference, and is counted among the
    /// cells checked, so the report never says "1 of 0 cells differ".
    func testACellThatNeverRanAndFailsNowCountsAsChecked() {
        let notebook = Notebook(cells: [Cell(input: "1 + 1", output: "2\n"), Cell(input: "1 +", executed: false),
                                        Cell(input: "2 + 2", executed: false)])
        let report = Replay.run(notebook, tolerance: 1e-4)
        XCTAssertEqual(report.mismatches.map(\.cellNumber), [2])
        XCTAssertEqual(report.checked, 2)
    }
}

/// The notebook defects of issue 14: each of these failed before its fix.
final class NotebookDefectTests: XCTestCase {
    func testSaveRecordsTheSessionSeed() throws {
        let directory = try temporaryDirectory(self)
        let session = Session(seed: 7, output: { _ in })
        let draw = try session.execute("randn(3)")
        try session.execute("save \"\(directory.path)/s.md\"")
        try session.execute("save \"\(directory.path)/s.ipynb\"")
        for name in ["s.md", "s.ipynb"] {
            let notebook = try Notebook.read(directory.path + "/" + name)
            XCTAssertEqual(notebook.seed, 7)
            let report = Replay.run(notebook, tolerance: 0)
            XCTAssertEqual(report.checked, 1)
            XCTAssertTrue(report.mismatches.isEmpty, "\(name): \(report.mismatches)")
        }
        XCTAssertNotEqual(try Session(output: { _ in }).execute("randn(3)"), draw, "seed 0 draws something else")
    }

    func testSaveWritesARealIpynbAndLeavesOutSaves() throws {
        let directory = try temporaryDirectory(self)
        let session = Captured()
        try session.run("x = 2")
        try session.run("save \"\(directory.path)/first.md\"")
        try session.run("x * 3")
        try session.run("save \"\(directory.path)/s.ipynb\"")
        let text = try String(contentsOfFile: directory.path + "/s.ipynb", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("{"), text)
        let notebook = try Notebook(ipynb: text, path: "s.ipynb")
        XCTAssertEqual(notebook.cells.map(\.input), ["x = 2", "x * 3"])
        XCTAssertTrue(session.error("save \"\(directory.path)/s.txt\"").contains("expected a .fdfa script, an .md notebook or an .ipynb notebook"))
    }

    /// Ctrl-C in the middle of a cell (here a loop that only an interrupt ends): what the cell did
    /// before it stays, so `save` keeps the cell, marked; replay stops there instead of diverging.
    func testAnInterruptedCellIsSavedMarked() throws {
        let directory = try temporaryDirectory(self)
        let session = Captured()
        try session.run("x = 1")
        let interrupter = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            Interrupt.request()
        }
        interrupter.start()
        XCTAssertTrue(session.error("x = 5\nprint(\"set\")\nwhile true { y = 1 }").contains("interrupted"))
        XCTAssertEqual(try session.run("x"), "5\n")
        try session.run("save \"\(directory.path)/s.md\"")
        try session.run("save \"\(directory.path)/s.ipynb\"")
        for name in ["s.md", "s.ipynb"] {
            let notebook = try Notebook.read(directory.path + "/" + name)
            XCTAssertEqual(notebook.cells.map(\.interrupted), [false, true, false], name)
            XCTAssertEqual(notebook.cells[1].output, "set\nerror: interrupted\n", name)
            let report = Replay.run(notebook, tolerance: 1e-4)
            XCTAssertEqual(report.interruptedCell, 2, name)
            XCTAssertEqual(report.checked, 1, name)
        }
        XCTAssertTrue(try String(contentsOfFile: directory.path + "/s.md", encoding: .utf8).contains("```fdfa interrupted\nx = 5"))
    }

    func testCRLFNotebooksAreRead() throws {
        let lf = Notebook(cells: [.markdown("Prose."), Cell(input: "x = 2\nx + 1", output: "3\n"), Cell(input: "x * 2", output: "4\n")])
        let crlf = lf.markdown.replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(Notebook(markdown: crlf), lf)
        let report = Replay.run(Notebook(markdown: crlf), tolerance: 1e-4)
        XCTAssertEqual(report.checked, 2)
        XCTAssertTrue(report.mismatches.isEmpty)
        XCTAssertEqual(Cells.split("a = 1\r\n\r\nb = 2\r\n").map(\.text), ["a = 1", "b = 2"])
    }
}
