import XCTest

/// Interrupting (SIGINT, and interrupt_request on control) and restarting through jupyter_client
/// while a cell trains: Python/interrupt_restart.py.
final class InterruptRestartTests: JupyterTestCase {
    func testInterruptAndRestartMidTrain() throws {
        let output = try python(["interrupt_restart.py"])
        XCTAssertEqual(output.status, 0, output.text)
        for check in ["while running", "SIGINT stopped train", "interrupt_request stopped train", "restart mid-train"] {
            XCTAssertTrue(output.text.contains(check), "missing '\(check)':\n\(output.text)")
        }
    }
}
