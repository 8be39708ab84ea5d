@testable import FDFALanguage
import FDFATestSupport
import FDFATraining
import Foundation
import XCTest

/// Jupyter notebooks: written as nbformat 4.5 (checked against the schema by the nbformat package
/// itself), read back, read as Jupyter writes them after running the fdfa kernel, and replayed.
final class IpynbTests: XCTestCase {
    private func record(_ script: String, seed: UInt64 = 0, allowErrors: Bool = false) throws -> Notebook {
        let session = Session(seed: seed, output: { _ in })
        session.showsFigures = true
        return try Recording.record(Notebook(script: script), in: session, allowErrors: allowErrors,
                                    place: { _, code in ("cell \(code + 1)", 1) })
    }

    private let plotting = "seed 2\nx = randn(5)\nx\n\nplot(x, title=\"walk\")\n\nprint(\"done\")"

    func testAPlotIsAnSVGDisplayWithItsTerminalText() throws {
        let notebook = try record(plotting)
        guard case .display(let data) = notebook.cells[1].outputs.first else { return XCTFail("\(notebook.cells[1].outputs)") }
        XCTAssertTrue(data[CellOutput.svg]?.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") == true)
        XCTAssertTrue(data[CellOutput.plainText]?.contains("walk") == true)
        XCTAssertEqual(notebook.cells[1].output, data[CellOutput.plainText], "terminals and .md show the text form")

        let terminal = Session(output: { _ in })
        try terminal.execute("plot([1, 2])")
        guard case .display(let text) = terminal.transcript.last?.outputs.first else { return XCTFail() }
        XCTAssertEqual(Array(text.keys), [CellOutput.plainText], "no SVG is drawn for a terminal")
    }

    func testWrittenNotebookHasJupytersStructureAndReadsBack() throws {
        var notebook = try record(plotting, seed: 9)
        notebook.cells.insert(.markdown("# A walk\n\nSome *prose*."), at: 0)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(notebook.ipynb.utf8)) as? [String: Any])
        XCTAssertEqual(json["nbformat"] as? Int, 4)
        XCTAssertEqual(json["nbformat_minor"] as? Int, 5)
        let metadata = try XCTUnwrap(json["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["kernelspec"] as? [String: String], ["name": "fdfa", "display_name": "fdfa", "language": "fdfa"])
        XCTAssertEqual((metadata["fdfa"] as? [String: Any])?["seed"] as? Int, 9)
        let cells = try XCTUnwrap(json["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["cell_type"] as? String }, ["markdown", "code", "code", "code"])
        XCTAssertEqual(Set(cells.compactMap { $0["id"] as? String }).count, 4, "unique cell ids")
        XCTAssertEqual(cells.dropFirst().map { $0["execution_count"] as? Int }, [1, 2, 3])
        XCTAssertEqual(cells[1]["source"] as? [String], ["seed 2\n", "x = randn(5)\n", "x"])
        let outputs = cells.dropFirst().map { ($0["outputs"] as? [[String: Any]] ?? []).map { $0["output_type"] as? String } }
        XCTAssertEqual(outputs, [["stream"], ["display_data"], ["stream"]])
        let figure = try XCTUnwrap((cells[2]["outputs"] as? [[String: Any]])?.first?["data"] as? [String: [String]])
        XCTAssertEqual(Set(figure.keys), [CellOutput.svg, CellOutput.plainText])

        XCTAssertEqual(try Notebook(ipynb: notebook.ipynb, path: "t.ipynb"), notebook)
    }

    /// Runs Debian's Python (where python3-nbformat lives; scripts/setup.sh installs it) with a
    /// program and arguments; skips the test when nbformat is missing.
    private func python(_ program: String, _ arguments: String...) throws -> (status: Int32, output: String) {
        let python = "/usr/bin/python3"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: python), "no \(python)")
        let (status, output) = try runProgram(python, ["-c", "import sys, nbformat\n" + program] + arguments)
        if output.contains("No module named 'nbformat'") { throw XCTSkip("python3-nbformat is not installed (scripts/setup.sh installs it)") }
        return (status, output)
    }

    /// The nbformat package validates what fdfa writes against the nbformat 4 JSON schema.
    func testWrittenNotebookValidatesAgainstTheSchema() throws {
        let directory = try temporaryDirectory(self)
        var notebook = try record(plotting + "\n\nnope", seed: 4, allowErrors: true)
        XCTAssertNotNil(notebook.cells.last?.error)
        notebook.cells.append(.markdown("prose"))
        notebook.cells.append(Cell(input: "x", executed: false))
        let good = directory.appendingPathComponent("good.ipynb").path
        try notebook.write(to: good)
        let bad = directory.appendingPathComponent("bad.ipynb").path
        try notebook.ipynb.replacingOccurrences(of: "\"execution_count\"", with: "\"execution_counts\"")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let validate = "nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')"
        let checked = try python(validate, good)
        XCTAssertEqual(checked.status, 0, checked.output)
        XCTAssertEqual(checked.output, "valid\n")
        XCTAssertNotEqual(try python(validate, bad).status, 0, "the validator rejects a broken notebook")
    }

    /// Jupyter re-saving a notebook fdfa wrote changes no byte (nbformat's layout: indent 1, sorted
    /// keys, unescaped non-ASCII, lines split as Python splits them), whatever the text holds.
    func testJupyterResavesAWrittenNotebookByteForByte() throws {
        let directory = try temporaryDirectory(self)
        var notebook = try record(plotting + "\n\nprint(\"tab\\there \\\"quoted\\\" a/b \\\\ é ∇ 🙂\")\n\nnope", seed: 4, allowErrors: true)
        XCTAssertNotNil(notebook.cells.last?.error)
        notebook.cells.append(.markdown("# Prose é\r\nCRLF line\rCR line\u{0B}vertical tab\u{2028}separator\u{1F}unit\u{7F}"))
        notebook.cells.append(Cell(input: "x", executed: false))
        notebook.cells.append(Cell(input: "y", outputs: [.display([CellOutput.plainText: "a\nb", "image/png": "iVBORw0K\nGgo="])],
                                   executed: true))
        let written = directory.appendingPathComponent("fdfa.ipynb").path
        let resaved = directory.appendingPathComponent("jupyter.ipynb").path
        try notebook.write(to: written)
        let resave = "nb = nbformat.read(sys.argv[1], 4); nbformat.validate(nb); nbformat.write(nb, sys.argv[2])"
        let result = try python(resave, written, resaved)
        XCTAssertEqual(result.status, 0, result.output)
        let ours = try String(contentsOfFile: written, encoding: .utf8), theirs = try String(contentsOfFile: resaved, encoding: .utf8)
        XCTAssertTrue(ours.contains("\"separator\\u001funit\u{7F}\""), "control characters escaped as Python does")
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(try Notebook(ipynb: ours, path: "fdfa.ipynb"), notebook)
    }

    /// Re-recording a notebook Jupyter saved (`replay --update`) keeps what fdfa does not read: cell
    /// ids, cell metadata (tags, nbgrader's), a Markdown cell's attachments, the notebook's metadata,
    /// and a raw cell as a raw cell.
    func testReRecordingKeepsJupytersIdsMetadataAndAttachments() throws {
        let directory = try temporaryDirectory(self)
        let original = directory.appendingPathComponent("j.ipynb").path, updated = directory.appendingPathComponent("u.ipynb").path
        let write = #"""
            from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell, new_raw_cell, new_output
            nb = new_notebook(metadata={"kernelspec": {"name": "fdfa", "display_name": "fdfa", "language": "fdfa"},
                                        "authors": [{"name": "Ada"}], "widgets": {"state": {"scale": 0.5, "n": 3, "on": True}}})
            nb.cells = [
                new_markdown_cell("![x](attachment:x.png)", id="intro", attachments={"x.png": {"image/png": "iVBORw0KGgo="}}),
                new_code_cell("1 + 1", id="sum", execution_count=1, metadata={"tags": ["hide-input"], "nbgrader": {"grade": True, "points": 2.5}},
                              outputs=[new_output("execute_result", data={"text/plain": "3"}, execution_count=1)]),
                new_raw_cell(".. note:: passed through", id="rst", metadata={"format": "text/x-rst"}),
            ]
            nbformat.validate(nb)
            nbformat.write(nb, sys.argv[1])
            """#
        let written = try python(write, original)
        XCTAssertEqual(written.status, 0, written.output)
        let report = Replay.run(try Notebook.read(original), tolerance: 1e-4)
        XCTAssertEqual(report.mismatches.map(\.cellNumber), [1], "the recorded 3 is now 2")
        try report.rerun.write(to: updated)
        let compare = #"""
            a, b = nbformat.read(sys.argv[1], 4), nbformat.read(sys.argv[2], 4)
            nbformat.validate(b)
            for key in ["authors", "widgets"]: assert a.metadata[key] == b.metadata[key], key
            assert [c.cell_type for c in b.cells] == ["markdown", "code", "raw"], [c.cell_type for c in b.cells]
            assert b.cells[2].source == ".. note:: passed through", b.cells[2].source
            for x, y in zip(a.cells, b.cells):
                assert (x.id, x.metadata, x.get("attachments")) == (y.id, y.metadata, y.get("attachments")), (x, y)
            out = b.cells[1].outputs[0]
            assert (out.get("text") or out["data"]["text/plain"]).strip() == "2", b.cells[1].outputs
            print("kept")
            """#
        let compared = try python(compare, original, updated)
        XCTAssertEqual(compared.output, "kept\n")
    }

    /// A notebook written by nbformat itself, as Jupyter saves one after running it on the fdfa
    /// kernel, replays; the same with a changed result does not.
    func testANotebookNbformatWroteReplays() throws {
        let directory = try temporaryDirectory(self)
        let path = directory.appendingPathComponent("j.ipynb").path
        let write = #"""
            from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell, new_raw_cell, new_output
            nb = new_notebook(metadata={"kernelspec": {"name": "fdfa", "display_name": "fdfa", "language": "fdfa"}})
            nb.cells = [
                new_markdown_cell("# Sums"),
                new_code_cell("x = [1, 2, 3]\nprint(\"n\", len(x))\nsum(x)", execution_count=1, outputs=[
                    new_output("stream", name="stdout", text="n 3\n"),
                    new_output("execute_result", data={"text/plain": sys.argv[2]}, execution_count=1)]),
                new_code_cell("x[5]", execution_count=2, outputs=[
                    new_output("error", ename="error", evalue="index 5 is out of range (length 3)",
                               traceback=["cell 2:1:1: error: index 5 is out of range (length 3)"])]),
            ]
            nbformat.validate(nb)
            nbformat.write(nb, sys.argv[1])
            """#
        let written = try python(write, path, "6")
        XCTAssertEqual(written.status, 0, written.output)
        let notebook = try Notebook.read(path)
        XCTAssertEqual(notebook.codeCells.count, 2)
        let report = Replay.run(notebook, tolerance: 1e-4)
        XCTAssertEqual(report.checked, 2)
        XCTAssertTrue(report.mismatches.isEmpty, report.mismatches.map(\.description).joined(separator: "\n"))

        XCTAssertEqual(try python(write, path, "7").status, 0)
        XCTAssertEqual(Replay.run(try Notebook.read(path), tolerance: 1e-4).mismatches.map(\.cellNumber), [1])
    }

    func testRecordedNotebookReplaysAndAChangedFigureFails() throws {
        let notebook = try Notebook(ipynb: try record(plotting).ipynb, path: "t.ipynb")
        let report = Replay.run(notebook, tolerance: 1e-4)
        XCTAssertEqual(report.checked, 3)
        XCTAssertTrue(report.mismatches.isEmpty, report.mismatches.map(\.description).joined(separator: "\n"))

        // The same terminal text, but a figure whose drawing moved: compared by its numbers.
        var moved = notebook
        guard case .display(var data) = moved.cells[1].outputs[0] else { return XCTFail() }
        let svg = try XCTUnwrap(data[CellOutput.svg])
        let point = try XCTUnwrap(svg.range(of: #"points="[0-9]+"#, options: .regularExpression))
        data[CellOutput.svg] = svg.replacingCharacters(in: point, with: "points=\"1")
        moved.cells[1].outputs[0] = .display(data)
        let mismatches = Replay.run(moved, tolerance: 1e-4).mismatches
        XCTAssertEqual(mismatches.map(\.cellNumber), [2])
        XCTAssertTrue(mismatches.first?.description.contains("  - figure 1 as recorded:\n  + figure 1 now:\n  - <polyline") == true, mismatches.first?.description ?? "")
    }

    /// As Jupyter saves a notebook run on the fdfa kernel: sources and texts as strings or line
    /// lists, results as execute_result without a final line break, a figure as display_data, an
    /// error with a coloured traceback.
    private let jupyterWritten = #"""
        {
         "cells": [
          {"cell_type": "markdown", "id": "a1", "metadata": {}, "source": ["# Walk\n", "prose"]},
          {"cell_type": "code", "execution_count": 1, "id": "a2", "metadata": {},
           "outputs": [{"output_type": "stream", "name": "stdout", "text": ["six 6\n"]},
                       {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "[1, 2, 3]"}}],
           "source": "print(\"six\", 1 + 5)\n[1, 2, 3]"},
          {"cell_type": "code", "execution_count": 2, "id": "a3", "metadata": {},
           "outputs": [{"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": ["2.0000001"]}}],
           "source": ["2"]},
          {"cell_type": "code", "execution_count": 3, "id": "a4", "metadata": {},
           "outputs": [{"output_type": "error", "ename": "error", "evalue": "unknown variable 'nope'",
                        "traceback": ["\u001b[0;31mcell:1:1: error: unknown variable 'nope'\u001b[0m", " 1 | nope", "   | ^"]}],
           "source": ["nope"]}
         ],
         "metadata": {"kernelspec": {"display_name": "fdfa", "language": "fdfa", "name": "fdfa"},
                      "language_info": {"name": "fdfa"}},
         "nbformat": 4, "nbformat_minor": 5
        }
        """#

    func testNotebooksJupyterWroteReplay() throws {
        let notebook = try Notebook(ipynb: jupyterWritten, path: "j.ipynb")
        XCTAssertEqual(notebook.cells.map(\.kind), [.markdown, .code, .code, .code])
        XCTAssertEqual(notebook.cells[0].input, "# Walk\nprose")
        XCTAssertEqual(notebook.cells[1].output, "six 6\n[1, 2, 3]\n")
        XCTAssertEqual(notebook.cells[3].error, "cell:1:1: error: unknown variable 'nope'\n 1 | nope\n   | ^")
        let report = Replay.run(notebook, tolerance: 1e-4)
        XCTAssertEqual(report.checked, 3)
        XCTAssertTrue(report.mismatches.isEmpty, report.mismatches.map(\.description).joined(separator: "\n"))

        let tampered = try Notebook(ipynb: jupyterWritten.replacingOccurrences(of: "\"text/plain\": \"[1, 2, 3]\"", with: "\"text/plain\": \"[1, 2, 4]\""), path: "j.ipynb")
        XCTAssertEqual(Replay.run(tampered, tolerance: 1e-4).mismatches.map(\.cellNumber), [1])
        let otherError = try Notebook(ipynb: jupyterWritten.replacingOccurrences(of: "error: unknown variable 'nope'\\u001b", with: "error: no\\u001b"), path: "j.ipynb")
        XCTAssertEqual(Replay.run(otherError, tolerance: 1e-4).mismatches.map(\.cellNumber), [3])
    }

    func testOtherKernelsAndBrokenFilesAreRefused() {
        let python = jupyterWritten.replacingOccurrences(of: "\"name\": \"fdfa\"}", with: "\"name\": \"python3\"}")
        XCTAssertThrowsError(try Notebook(ipynb: python, path: "p.ipynb")) { error in
            XCTAssertEqual("\(error)", "error: p.ipynb: a notebook for the 'python3' kernel, not fdfa")
        }
        XCTAssertThrowsError(try Notebook(ipynb: "{\"cells\": [", path: "b.ipynb")) { error in
            XCTAssertTrue("\(error)".contains("b.ipynb: not a Jupyter notebook"), "\(error)")
        }
        XCTAssertThrowsError(try Notebook(ipynb: "{\"nbformat\": 3, \"worksheets\": []}", path: "old.ipynb"))
        XCTAssertThrowsError(try Notebook(ipynb: jupyterWritten.replacingOccurrences(of: "\"output_type\": \"stream\"", with: "\"output_type\": \"wat\""), path: "w.ipynb"))
    }

    /// Converting between the formats keeps inputs, prose and text outputs; a script has no outputs.
    func testConversionsRoundTrip() throws {
        var notebook = try record(plotting, seed: 3)
        notebook.cells.insert(.markdown("Intro.\n\nSecond paragraph with `code`:\n\n```python\nprint(1)\n```"), at: 1)
        let viaMarkdown = Notebook(markdown: notebook.markdown)
        XCTAssertEqual(viaMarkdown.seed, 3)
        XCTAssertEqual(viaMarkdown.cells.map(\.input), notebook.cells.map(\.input))
        XCTAssertEqual(viaMarkdown.cells.map(\.output), notebook.cells.map(\.output))
        XCTAssertEqual(Notebook(markdown: try Notebook(ipynb: viaMarkdown.ipynb, path: "x.ipynb").markdown), viaMarkdown)

        let script = notebook.script
        XCTAssertTrue(script.contains("\n\n# Intro.\n#\n# Second paragraph with `code`:\n"), script)
        let fromScript = Notebook(script: script)
        XCTAssertEqual(fromScript.cells.count, notebook.cells.count)
        XCTAssertEqual(fromScript.cells.map(\.kind), notebook.cells.map(\.kind), "prose comes back as prose")
        XCTAssertEqual(fromScript.cells.map(\.input), notebook.cells.map(\.input))
        XCTAssertTrue(fromScript.codeCells.allSatisfy { !$0.executed && $0.outputs.isEmpty })
        XCTAssertEqual(Notebook(markdown: fromScript.markdown), fromScript, "cells that have not run stay so in Markdown")
        XCTAssertEqual(try Notebook(ipynb: fromScript.ipynb, path: "s.ipynb"), fromScript)
        XCTAssertEqual(Replay.run(fromScript, tolerance: 1e-4).checked, 0, "nothing recorded, nothing checked")
    }
}
