import XCTest

/// Interrupting (SIGINT, and interrupt_request on control) and restarting through jupyter_client
/// while a cell trains: Python/interrupt_restart.py.
final class InterruptRestartTests: JupyterTestCase {
    func testInterruptAndRestartMidTrain() throws {
        let run = try python(["interrupt_restart.py"])
        XCTAssertEqual(run.status, 0, run.output)
        for check in ["while running", "SIGINT stopped train", "interrupt_request stopped train", "restart mid-train"] {
            XCTAssertTrue(run.output.contains(check), "missing '\(check)':\n\(run.output)")
        }
    }
}
