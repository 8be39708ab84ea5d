import XCTest
@testable import FDFAData

final class MD5TarTests: XCTestCase {
    func testMD5MatchesRFC1321Vectors() {
        XCTAssertEqual(MD5.hex([UInt8]()), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(MD5.hex(Array("abc".utf8)), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(MD5.hex(Array("message digest".utf8)), "f96b697d7cb7938d525a2f31aaf161d0")
        let long = Array("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8)
        XCTAssertEqual(MD5.hex(long), "57edf4a22be3c955ac49da2e2107b67a")
        var split = MD5()
        split.update(Array(long[..<13]))
        split.update(Array(long[13...]))
        XCTAssertEqual(split.finish(), "57edf4a22be3c955ac49da2e2107b67a")
    }

    func testMD5OfDebianFashionLabels() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path))
        // Debian recompressed the files, so this is md5sum's answer for Debian's copy, not Zalando's.
        XCTAssertEqual(MD5.hex(try FileBytes.readRaw(path)), "0d30e22e447f3c33dab9ed536400ac01")
    }

    func testTarReadsRegularFilesAndRejectsDamage() throws {
        let archive = TarWriter.archive([("dir/a.bin", [1, 2, 3]), ("dir/b.bin", Array(repeating: 9, count: 700))])
        let entries = try Tar.entries(archive, file: "t.tar")
        XCTAssertEqual(entries.map(\.path), ["dir/a.bin", "dir/b.bin"])
        XCTAssertEqual(Array(entries[1].contents), Array(repeating: 9, count: 700))
        var corrupt = archive
        corrupt[3] ^= 1
        XCTAssertThrowsError(try Tar.entries(corrupt, file: "t.tar")) { XCTAssertTrue("\($0)".contains("checksum")) }
        XCTAssertThrowsError(try Tar.entries(Array(archive.prefix(1024)), file: "t.tar")) { XCTAssertTrue("\($0)".contains("truncated")) }
    }
}

/// Writes ustar archives for tests.
enum TarWriter {
    static func archive(_ files: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, contents) in files {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, _ at: Int) { for (i, b) in text.utf8.enumerated() { header[at + i] = b } }
            put(name, 0)
            put("0000644\0", 100)
            put(String(format: "%011o\0", contents.count), 124)
            put("        ", 148)
            header[156] = UInt8(ascii: "0")
            put("ustar\0", 257)
            put("00", 263)
            put(String(format: "%06o\0 ", header.reduce(0) { $0 + Int($1) }), 148)
            out += header + contents + [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }
}
