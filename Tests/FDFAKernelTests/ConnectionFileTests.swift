import FDFAKernel
import Foundation
import XCTest

final class ConnectionFileTests: XCTestCase {
    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fdfa-connection-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testReadsJupytersConnectionFile() throws {
        let connection = try ConnectionFile(contentsOf: try file("""
            {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
             "ip": "127.0.0.1", "key": "a0436f6c-1916-498b", "transport": "tcp", "signature_scheme": "hmac-sha256",
             "kernel_name": "fdfa"}
            """))
        XCTAssertEqual([connection.shellPort, connection.iopubPort, connection.stdinPort, connection.controlPort, connection.heartbeatPort],
                       [5001, 5002, 5003, 5004, 5005])
        XCTAssertEqual(connection.key, "a0436f6c-1916-498b")
    }

    func testBadFilesGiveClearErrors() throws {
        XCTAssertThrowsError(try ConnectionFile(contentsOf: "/nonexistent/kernel.json")) { error in
            XCTAssertEqual("\(error)", "the connection file: cannot read /nonexistent/kernel.json: no such file or directory")
        }
        XCTAssertThrowsError(try ConnectionFile(contentsOf: NSTemporaryDirectory())) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
            XCTAssertFalse("\(error)".contains("NSCocoaErrorDomain"), "\(error)")
        }
        let notJSON = try file("{ shell_port: ")
        XCTAssertThrowsError(try ConnectionFile(contentsOf: notJSON)) { error in
            XCTAssertTrue("\(error)".hasSuffix("is not a Jupyter connection file: it is not valid JSON"), "\(error)")
        }
        let noPort = try file(#"{"iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "ip": "127.0.0.1", "key": "", "transport": "tcp", "signature_scheme": ""}"#)
        XCTAssertThrowsError(try ConnectionFile(contentsOf: noPort)) { error in
            XCTAssertTrue("\(error)".hasSuffix(#"is not a Jupyter connection file: it has no "shell_port""#), "\(error)")
        }
        let textPort = try file(#"{"shell_port": "1", "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "ip": "127.0.0.1", "key": "", "transport": "tcp", "signature_scheme": ""}"#)
        XCTAssertThrowsError(try ConnectionFile(contentsOf: textPort)) { error in
            XCTAssertTrue("\(error)".contains(#""shell_port" has the wrong type"#), "\(error)")
            XCTAssertFalse("\(error)".contains("Debug description"), "\(error)")
        }
        let md5 = try file("""
            {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
             "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-md5"}
            """)
        XCTAssertThrowsError(try ConnectionFile(contentsOf: md5)) { error in
            XCTAssertTrue("\(error)".contains("signature scheme 'hmac-md5' is not supported"), "\(error)")
        }
    }
}
