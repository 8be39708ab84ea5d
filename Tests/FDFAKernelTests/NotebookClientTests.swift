import XCTest

/// nbclient (Debian python3-nbclient) executes a notebook on the fdfa kernel: Python/nbclient_run.py.
final class NotebookClientTests: JupyterTestCase {
    func testNBClientRunsANotebookWithAnInlineFigure() throws {
        let output = try python(["nbclient_run.py"])
        XCTAssertEqual(output.status, 0, output.text)
        for check in ["the plot arrived as image/svg+xml", "eval's record came as a table"] {
            XCTAssertTrue(output.text.contains(check), "missing '\(check)':\n\(output.text)")
        }
    }
}
