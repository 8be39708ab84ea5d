import XCTest

/// nbclient (Debian python3-nbclient) executes notebooks on the fdfa kernel: a small one built in
/// Python/nbclient_run.py, and every lesson (Python/nbclient_lessons.py).
final class NotebookClientTests: JupyterTestCase {
    func testNBClientRunsANotebookWithAnInlineFigure() throws {
        let run = try python(["nbclient_run.py"])
        XCTAssertEqual(run.status, 0, run.output)
        for check in ["the plot arrived as image/svg+xml", "eval's record came as a table"] {
            XCTAssertTrue(run.output.contains(check), "missing '\(check)':\n\(run.output)")
        }
    }

    func testEveryLessonRunsOnTheKernelWithItsFiguresInline() throws {
        let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lessons")
        let notebooks = try FileManager.default.contentsOfDirectory(atPath: lessons.path)
            .filter { $0.hasSuffix(".ipynb") }.sorted().map { lessons.appendingPathComponent($0).path }
        XCTAssertGreaterThanOrEqual(notebooks.count, 5, "the lessons' notebooks are missing from \(lessons.path)")
        let run = try python(["nbclient_lessons.py"] + notebooks)
        XCTAssertEqual(run.status, 0, run.output)
        for notebook in notebooks {
            XCTAssertTrue(run.output.contains("ok: \(notebook) ran"), "missing \(notebook):\n\(run.output)")
        }
        XCTAssertTrue(run.output.contains("ok: \(notebooks.count) lessons ran on the fdfa kernel"), run.output)
    }
}
