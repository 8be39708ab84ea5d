import FDFATestSupport
import Foundation
import XCTest

/// An .npy header is data: a shape whose element count overflows is an error, not a trap.
final class NpyHeaderTests: XCTestCase {
    /// A version-1.0 .npy file with the given shape text and no data.
    func npy(shape: String) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = header.utf8.count
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8))
    }

    func testAShapeWhoseCountOverflowsIsAnError() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("huge.npy").path
        let session = Captured()
        for shape in ["(4294967296, 4294967296, 4)", "(4611686018427387904,)", "(3037000500, 3037000500)"] {
            try npy(shape: shape).write(to: URL(fileURLWithPath: path))
            let message = session.error("load_npy(\"\(path)\")")
            XCTAssertTrue(message.contains("the header's shape") && message.contains("more memory than any machine has"), message)
        }
        try session.run("x = 1")
    }
}
