import FDFAKernel
import Foundation
import XCTest

final class SignerTests: XCTestCase {
    /// RFC 4231's test case 2 (HMAC-SHA256 with key "Jefe"), split over frames as a message is.
    func testSignatureIsRFC4231HMACSHA256() {
        let signer = Signer(key: "Jefe")
        let frames = ["what do ya", " want ", "for nothing?"].map { Data($0.utf8) }
        XCTAssertEqual(signer.signature(of: frames), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testVerificationRejectsAnyChange() {
        let signer = Signer(key: "secret")
        let frames = ["{\"msg_type\":\"execute_request\"}", "{}", "{}", "{\"code\":\"1\"}"].map { Data($0.utf8) }
        let signature = signer.signature(of: frames)
        XCTAssertTrue(signer.verifies(signature, of: frames))
        XCTAssertFalse(signer.verifies(signature, of: frames.dropLast() + [Data("{\"code\":\"2\"}".utf8)]))
        XCTAssertFalse(Signer(key: "other").verifies(signature, of: frames))
        XCTAssertFalse(signer.verifies(String(signature.dropLast()), of: frames))
    }

    func testEmptyKeyMeansUnsigned() {
        let signer = Signer(key: "")
        XCTAssertEqual(signer.signature(of: [Data("x".utf8)]), "")
        XCTAssertTrue(signer.verifies("", of: [Data("x".utf8)]))
    }
}
