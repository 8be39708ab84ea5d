import Foundation
import XCTest

/// `fdfa run --record`, `fdfa replay` and `fdfa convert` on notebooks, through the binary: the
/// notebook defects of issue 14 (each failed before its fix) and the .ipynb round trip.
final class NotebookCommandTests: CommandLineTestCase {
    private func write(_ text: String, _ name: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    private func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
    }

    private func fdfa(_ arguments: String..., input: String? = nil) throws -> FDFAProcess.Output {
        try FDFAProcess.run(arguments, in: directory, input: input)
    }

    func testRunRecordsTheSeedAndReplayUsesIt() throws {
        try write("x = randn(3)\nx\n", "r.fdfa")
        let seeded = try fdfa("run", "r.fdfa", "--seed", "5", "--record", "r.md", "--record", "r.ipynb")
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        XCTAssertNotEqual(seeded.stdout, try fdfa("run", "r.fdfa").stdout, "seed 5 draws other numbers than seed 0")
        for name in ["r.md", "r.ipynb"] {
            XCTAssertTrue(try read(name).contains(seeded.stdout.trimmingCharacters(in: .newlines)), name)
            let replayed = try fdfa("replay", name, "--tolerance", "0")
            XCTAssertEqual(replayed.status, 0, replayed.stdout + replayed.stderr)
            XCTAssertEqual(replayed.stdout, "1 cells match \(name)\n")
        }
    }

    func testAReplSessionSavesItsSeedAndNotItsSaves() throws {
        let session = try fdfa("repl", "--seed", "7", input: "x = randn(3)\nx\nsave \"first.md\"\nx * 2\nsave \"s.md\"\nsave \"s.ipynb\"\n")
        XCTAssertEqual(session.status, 0, session.stderr)
        for name in ["s.md", "s.ipynb"] {
            let text = try read(name)
            XCTAssertFalse(text.contains("save"), "\(name) holds a save cell:\n\(text)")
            let replayed = try fdfa("replay", name, "--tolerance", "0")
            XCTAssertEqual(replayed.status, 0, replayed.stdout + replayed.stderr)
            XCTAssertEqual(replayed.stdout, "3 cells match \(name)\n")
        }
        XCTAssertTrue(try read("s.ipynb").hasPrefix("{"), "save \"x.ipynb\" writes a Jupyter notebook")
    }

    func testReplayRefusesWhatItCannotCheck() throws {
        try write("", "empty.md")
        try write("x = 1\n\nx\n", "script.fdfa")
        try write("# Notes\n\nNo cells here.\n", "notes.md")
        try write("not json", "broken.ipynb")
        try write("x = 1\n\nprint(x)\n", "unrun.fdfa")
        XCTAssertEqual(try fdfa("convert", "unrun.fdfa", "unrun.ipynb").status, 0)
        let cases = ["empty.md": "has no fdfa code cells", "script.fdfa": "is a script, not a notebook",
                     "notes.md": "has no fdfa code cells", "broken.ipynb": "not a Jupyter notebook",
                     "unrun.ipynb": "has no recorded outputs to check", "missing.md": "cannot read missing.md",
                     "notes.txt": "expected a .fdfa script, an .md notebook or an .ipynb notebook"]
        for (name, message) in cases {
            let replayed = try fdfa("replay", name)
            XCTAssertNotEqual(replayed.status, 0, name)
            XCTAssertTrue(replayed.stderr.contains(message), "\(name): \(replayed.stderr)")
            XCTAssertFalse(replayed.stdout.contains("match"), name)
        }
    }

    func testAFailingScriptWritesNoNotebookUnlessErrorsAreAllowed() throws {
        try write("x = 1\n\nnope + 1\n\nprint(x + 1)\n", "bad.fdfa")
        let failed = try fdfa("run", "bad.fdfa", "--record", "bad.md")
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("bad.fdfa:3:1: error: unknown variable 'nope'"), failed.stderr)
        XCTAssertFalse(exists("bad.md"), "nothing half-written")

        let allowed = try fdfa("run", "bad.fdfa", "--record", "bad.ipynb", "--allow-errors")
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertEqual(allowed.stdout, "2\n", "the cells after the error ran")
        XCTAssertTrue(try read("bad.ipynb").contains("\"output_type\": \"error\""))
        let replayed = try fdfa("replay", "bad.ipynb")
        XCTAssertEqual(replayed.stdout, "3 cells match bad.ipynb\n", replayed.stderr)
    }

    func testTheRecordDestinationIsCheckedBeforeRunning() throws {
        try write("dump(ones(2), \"ran.npy\")\n", "s.fdfa")
        // s.fdfa/x.md: a folder that cannot exist, since a file has its name (an absolute path such
        // as /nonexistent/x.md would depend on what other programs made on the machine).
        for destination in ["s.fdfa/x.md", "out.txt", "out.fdfa"] {
            let run = try fdfa("run", "s.fdfa", "--record", destination)
            XCTAssertEqual(run.status, 1, destination)
            XCTAssertFalse(exists("ran.npy"), "\(destination): the script ran before failing")
        }
    }

    /// Running an edited notebook re-records it; a notebook whose cell fails writes nothing.
    func testRunningANotebookRecordsItsCells() throws {
        try write("x = 4\n\nprint(x * x)\n", "s.fdfa")
        XCTAssertEqual(try fdfa("run", "s.fdfa", "--seed", "3", "--record", "s.md").status, 0)
        let edited = try read("s.md").replacingOccurrences(of: "x = 4", with: "x = 5")
        try write(edited, "edited.md")
        let rerun = try fdfa("run", "edited.md", "--record", "new.md")
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(rerun.stdout, "25\n")
        XCTAssertTrue(try read("new.md").contains("```output\n25\n```"))
        XCTAssertTrue(try read("new.md").contains("<!-- fdfa seed 3 -->"), "the notebook's seed carries over")

        try write(edited.replacingOccurrences(of: "print(x * x)", with: "print(y)"), "broken.md")
        let failed = try fdfa("run", "broken.md", "--record", "none.md")
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("broken.md cell 2:1:7: error: unknown variable 'y'"), failed.stderr)
        XCTAssertFalse(exists("none.md"))
    }

    func testUpdateReRecordsInPlace() throws {
        try write("x = 4\n\nprint(x * x)\n", "s.fdfa")
        XCTAssertEqual(try fdfa("run", "s.fdfa", "--record", "s.ipynb").status, 0)
        let notebook = try read("s.ipynb")
        try write(notebook.replacingOccurrences(of: "\"x = 4\"", with: "\"x = 6\""), "s.ipynb")
        let stale = try fdfa("replay", "s.ipynb")
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.stdout.contains("cell 2: print(x * x)\n  - 16\n  + 36"), stale.stdout)
        let updated = try fdfa("replay", "s.ipynb", "--update")
        XCTAssertEqual(updated.stdout, "updated s.ipynb: 1 of 2 cells changed\n", updated.stderr)
        XCTAssertEqual(try fdfa("replay", "s.ipynb").stdout, "2 cells match s.ipynb\n")

        let before = try read("s.ipynb")
        try write(before.replacingOccurrences(of: "\"x = 6\"", with: "\"x = nope\""), "s.ipynb")
        let refused = try fdfa("replay", "s.ipynb", "--update")
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(try read("s.ipynb").contains("x = nope"), "left as it was")
    }

    func testCRLFNotebooksReplay() throws {
        try write("x = 2\n\nprint(x + 1)\n\nx * 5\n", "s.fdfa")
        XCTAssertEqual(try fdfa("run", "s.fdfa", "--record", "s.md").status, 0)
        try write(try read("s.md").replacingOccurrences(of: "\n", with: "\r\n"), "crlf.md")
        let replayed = try fdfa("replay", "crlf.md")
        XCTAssertEqual(replayed.status, 0, replayed.stdout)
        XCTAssertEqual(replayed.stdout, "3 cells match crlf.md\n")
        try write(try read("crlf.md").replacingOccurrences(of: "```output\r\n3", with: "```output\r\n4"), "crlf.md")
        XCTAssertTrue(try fdfa("replay", "crlf.md").stdout.contains("1 of 3 cells differ"))
    }

    func testConvertBetweenScriptMarkdownAndIpynb() throws {
        try write("# A title\n#\n# Some prose.\n\nx = 2\n\nplot([1, 4, 9])\n\nx + 1\n", "s.fdfa")
        XCTAssertEqual(try fdfa("run", "s.fdfa", "--record", "s.ipynb").status, 0)
        XCTAssertTrue(try read("s.ipynb").contains("\"image/svg+xml\""))
        for (from, to) in [("s.ipynb", "s.md"), ("s.md", "t.ipynb"), ("t.ipynb", "t.fdfa")] {
            let converted = try fdfa("convert", from, to)
            XCTAssertEqual(converted.status, 0, converted.stderr)
        }
        XCTAssertEqual(try read("t.fdfa"), try read("s.fdfa"))
        XCTAssertTrue(try read("s.ipynb").contains("\"cell_type\": \"markdown\""), "the comment-only chunk is prose")
        XCTAssertEqual(try fdfa("replay", "s.md").stdout, "3 cells match s.md\n")
        XCTAssertEqual(try fdfa("replay", "t.ipynb").stdout, "3 cells match t.ipynb\n")
        XCTAssertEqual(try fdfa("convert", "s.md", "x.txt").status, 1)
    }
}
