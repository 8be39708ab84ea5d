import XCTest
@testable import FDFAData

/// The gzip reader's safety properties: it sizes its buffer from the trailer's length field, so the
/// field must never be trusted alone, and the limit must hold whatever the field says.
final class GzipTests: XCTestCase {
    private let sample: [UInt8] = (0 ..< 100_000).map { UInt8($0 * 7 % 251) }

    /// `gzip` with its last four bytes (the length field, ISIZE) replaced by `length`.
    private func withLength(_ gzip: [UInt8], _ length: UInt32) -> [UInt8] {
        gzip.dropLast(4) + (0 ..< 4).map { UInt8(length >> (8 * $0) & 0xFF) }
    }

    private func message(_ bytes: [UInt8], limit: Int = 1 << 20) -> String {
        do { return "inflated \(try Gzip.decompress(bytes, file: "f.gz", limit: limit).count) bytes" } catch { return "\(error)" }
    }

    func testRoundTripsOneAndSeveralMembersAndEmptyOnes() throws {
        let one = Fixtures.gzip(sample)
        XCTAssertEqual(try Gzip.decompress(one, file: "f.gz", limit: 1 << 20), sample)
        let members = Fixtures.gzip([]) + one + Fixtures.gzip([1, 2, 3]) + one
        XCTAssertEqual(try Gzip.decompress(members, file: "f.gz", limit: 1 << 20), sample + [1, 2, 3] + sample)
        XCTAssertEqual(try Gzip.decompress(Fixtures.gzip([]), file: "f.gz", limit: 1 << 20), [])
    }

    func testAWrongLengthFieldIsAnErrorWhicheverWayItLies() {
        let gzip = Fixtures.gzip(sample)
        for length in [0, 1, UInt32(sample.count - 1), UInt32(sample.count + 1), 1 << 19] {
            XCTAssertEqual(message(withLength(gzip, length)), "f.gz: corrupt or truncated gzip stream", "length \(length)")
        }
    }

    func testABadChecksumTruncationOrTrailingGarbageIsAnError() {
        let gzip = Fixtures.gzip(sample)
        var badCRC = gzip
        badCRC[gzip.count - 8] ^= 1
        XCTAssertEqual(message(badCRC), "f.gz: corrupt or truncated gzip stream")
        XCTAssertEqual(message([]), "f.gz: corrupt or truncated gzip stream")
        XCTAssertEqual(message(gzip + [0x1F, 0x8B, 8, 0] + [UInt8](repeating: 0, count: 16)),
                       "f.gz: corrupt or truncated gzip stream (in the member starting at byte \(gzip.count))")
    }

    /// A truncated file's last four bytes are no length field, often a number beyond the limit:
    /// whichever it is, the message says the stream is corrupt or truncated.
    func testEveryTruncationSaysTruncated() {
        let gzip = Fixtures.gzip(sample)
        var beyondLimit = 0
        for kept in Array(stride(from: 1, to: gzip.count, by: 97)) + Array(gzip.count - 20 ..< gzip.count) {
            let failure = message(Array(gzip.prefix(kept)))
            XCTAssertTrue(failure.hasPrefix("f.gz: corrupt or truncated gzip stream"), "\(kept) bytes kept: \(failure)")
            if failure.contains("its trailer claims") { beyondLimit += 1 }
        }
        XCTAssertGreaterThan(beyondLimit, 0, "some truncation leaves a 'length field' beyond the limit")
    }

    func testTheLimitHoldsWhateverTheLengthFieldSays() {
        let bomb = Fixtures.gzip([UInt8](repeating: 0, count: 3 << 20))
        let refusal = "f.gz: decompresses to more than 1 MiB; refusing (corrupt or not a data set file)"
        // Claiming little: the buffer grows up to the limit, then the stream is refused.
        XCTAssertEqual(message(withLength(bomb, 10)), refusal)
        // Several members, each within the limit, that together exceed it.
        let half = Fixtures.gzip([UInt8](repeating: 0, count: 600 << 10))
        XCTAssertEqual(message(half + half), refusal)
        // Claiming more than the limit: refused from the trailer alone, before inflating anything
        // (the deflate data here is not even valid).
        XCTAssertEqual(message(withLength([0x1F, 0x8B, 8, 0] + [UInt8](repeating: 0xFF, count: 20), 2 << 20)),
                       "f.gz: corrupt or truncated gzip stream: its trailer claims 2097152 bytes, more than the 1 MiB a data set file may hold; refusing")
    }
}
