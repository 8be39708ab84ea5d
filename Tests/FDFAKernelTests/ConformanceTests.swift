import XCTest

/// Jupyter's own kernel conformance suite (Debian python3-jupyter-kernel-test) with fdfa's samples
/// for each of its tests: Python/test_fdfa_kernel.py.
final class ConformanceTests: JupyterTestCase {
    func testJupyterKernelTestSuitePasses() throws {
        let run = try python(["-m", "unittest", "-v", "test_fdfa_kernel"])
        XCTAssertEqual(run.status, 0, run.output)
        // Every test the suite has, except clear_output (fdfa has none), and fdfa's own checks must
        // run and pass: none may be skipped.
        let tests = ["kernel_info", "execute_stdout", "execute_stderr", "completion", "is_complete", "error",
                     "execute_result", "display_data", "history", "inspect", "pager",
                     "errors_read_as_in_the_repl_and_keep_the_session", "help_opens_the_pager_with_the_repls_text", "printed_lines_arrive_gathered_and_in_order", "training_progress_is_one_updating_display", "cells_queued_behind_an_error_are_aborted",
                     "wrongly_signed_requests_are_ignored"]
        for test in tests {
            XCTAssertEqual(verdict(of: "test_\(test)", in: run.output), "ok", run.output)
        }
    }

    /// The last word unittest -v printed for a test ("ok", "FAIL", "ERROR", "skipped '…'"); the
    /// kernel's own diagnostics on stderr may come between the name and the verdict.
    private func verdict(of test: String, in text: String) -> String? {
        guard let start = text.range(of: "\(test) (") else { return nil }
        let rest = text[start.upperBound...]
        let end = [rest.range(of: "\ntest_"), rest.range(of: "\n----")].compactMap { $0?.lowerBound }.min() ?? rest.endIndex
        return rest[..<end].split(whereSeparator: \.isWhitespace).last.map(String.init)
    }
}
