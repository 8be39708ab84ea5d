import Foundation
import XCTest
@testable import FDFAData

/// torchvision's CIFAR layouts: pickles written here in the exact form of the official Python
/// version (Python 2 cPickle, protocol 2), unpacked and in their .tar.gz.
final class CIFARPickleTests: XCTestCase {
    /// A CIFAR batch as cPickle writes it: `{b'data': uint8 array N×3072, b'labels': [..], b'filenames': [..],
    /// b'batch_label': b'...'}`, the array through numpy.core.multiarray._reconstruct, memo puts as cPickle does.
    static func batch(pixels: [UInt8], labels: [Int], labelKey: String = "labels", extraGlobal: String? = nil) -> [UInt8] {
        func str(_ s: String) -> [UInt8] { [UInt8(ascii: "U"), UInt8(s.utf8.count)] + Array(s.utf8) }
        func int(_ n: Int) -> [UInt8] { n < 256 ? [UInt8(ascii: "K"), UInt8(n)] : [UInt8(ascii: "M"), UInt8(n & 0xFF), UInt8(n >> 8)] }
        func le32(_ n: Int) -> [UInt8] { (0 ..< 4).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }
        var memo: UInt8 = 0
        func put() -> [UInt8] { memo += 1; return [UInt8(ascii: "q"), memo] }
        let n = labels.count
        var p: [UInt8] = [0x80, 2, UInt8(ascii: "}")] + put() + [UInt8(ascii: "(")]
        p += str("data") + put() + Array("cnumpy.core.multiarray\n_reconstruct\n".utf8) + put()
        p += Array("cnumpy\nndarray\n".utf8) + put() + int(0) + [0x85] + str("b") + [0x87, UInt8(ascii: "R")] + put()
        p += [UInt8(ascii: "(")] + int(1) + int(pixels.count / 3072) + int(3072) + [0x86] + Array("cnumpy\ndtype\n".utf8) + put()
        p += str("u1") + int(0) + int(1) + [0x87, UInt8(ascii: "R")] + put()
        p += [UInt8(ascii: "(")] + int(3) + str("|") + Array("NNN".utf8) + [UInt8(ascii: "J")] + le32(-1) + [UInt8(ascii: "J")] + le32(-1)
        p += int(0) + [UInt8(ascii: "t"), UInt8(ascii: "b"), 0x89, UInt8(ascii: "T")] + le32(pixels.count) + pixels
        p += [UInt8(ascii: "t"), UInt8(ascii: "b")]
        p += str(labelKey) + put() + [UInt8(ascii: "]")] + put() + [UInt8(ascii: "(")] + labels.flatMap(int) + [UInt8(ascii: "e")]
        if let extraGlobal { p += str("evil") + Array("c\(extraGlobal)\n".utf8) + [UInt8(ascii: ")"), UInt8(ascii: "R")] }
        p += str("batch_label") + put() + str("testing batch 1 of 1") + put()
        p += str("filenames") + put() + [UInt8(ascii: "]")] + put() + [UInt8(ascii: "(")] + (0 ..< n).flatMap { str("img_\($0).png") } + [UInt8(ascii: "e")]
        return p + [UInt8(ascii: "u"), UInt8(ascii: ".")]
    }

    static func pixels(_ n: Int, seed: Int) -> [UInt8] { (0 ..< n * 3072).map { UInt8(($0 * 7 + seed * 31) % 256) } }

    func testUnpackedCIFAR10AndCIFAR100ReadAsTheBinaryVersions() throws {
        let f = Fixtures()
        for b in 1 ... 5 { f.write("cifar-10-batches-py/data_batch_\(b)", Self.batch(pixels: Self.pixels(2, seed: b), labels: [b, 9])) }
        f.write("cifar-10-batches-py/test_batch", Self.batch(pixels: Self.pixels(3, seed: 0), labels: [0, 1, 2]))
        // The same images in the binary layout, in another root: both must give the same data set.
        let binary = Fixtures()
        for b in 1 ... 5 {
            let px = Self.pixels(2, seed: b)
            binary.write("cifar-10-batches-bin/data_batch_\(b).bin", [UInt8(b)] + px[0 ..< 3072] + [9] + px[3072...])
        }
        let tp = Self.pixels(3, seed: 0)
        var testRecords: [UInt8] = []
        for r in 0 ..< 3 { testRecords += [UInt8(r)] + tp[r * 3072 ..< (r + 1) * 3072] }
        binary.write("cifar-10-batches-bin/test_batch.bin", testRecords)
        let fromPickle = try DatasetLoader.load(.cifar10, root: f.root), fromBinary = try DatasetLoader.load(.cifar10, root: binary.root)
        XCTAssertEqual(fromPickle.train.count, 10)
        XCTAssertEqual(fromPickle.train.labels, fromBinary.train.labels)
        XCTAssertEqual(fromPickle.test.labels, [0, 1, 2])
        XCTAssertEqual(fromPickle.train.sampleShape, [3, 32, 32])
        XCTAssertEqual(pixels(fromPickle.train), pixels(fromBinary.train))
        XCTAssertEqual(pixels(fromPickle.test), pixels(fromBinary.test))

        f.write("cifar-100-python/train", Self.batch(pixels: Self.pixels(2, seed: 1), labels: [99, 3], labelKey: "fine_labels"))
        f.write("cifar-100-python/test", Self.batch(pixels: Self.pixels(1, seed: 2), labels: [42], labelKey: "fine_labels"))
        let c100 = try DatasetLoader.load(.cifar100, root: f.root)
        XCTAssertEqual(c100.train.labels, [99, 3])
        XCTAssertEqual(c100.test.labels, [42])
        XCTAssertEqual(pixels(c100.test), Self.pixels(1, seed: 2))
    }

    func testTheTarGzArchiveIsReadInMemory() throws {
        let f = Fixtures()
        var members: [(String, [UInt8])] = (1 ... 5).map { ("cifar-10-batches-py/data_batch_\($0)", Self.batch(pixels: Self.pixels(1, seed: $0), labels: [$0])) }
        members.append(("cifar-10-batches-py/test_batch", Self.batch(pixels: Self.pixels(2, seed: 7), labels: [3, 4])))
        members.append(("cifar-10-batches-py/readme.html", Array("<html>".utf8)))
        f.write("cifar-10-python.tar.gz", Fixtures.gzip(Self.tar(members)))
        let data = try DatasetLoader.load(.cifar10, root: f.root)
        XCTAssertEqual(data.train.labels, [1, 2, 3, 4, 5])
        XCTAssertEqual(pixels(data.test), Self.pixels(2, seed: 7))
    }

    func testAnythingButCIFARsStructureIsRefusedWithoutRunningIt() throws {
        let good = Self.batch(pixels: Self.pixels(1, seed: 0), labels: [1])
        let cases: [(String, [UInt8], String)] = [
            ("os.system", Self.batch(pixels: Self.pixels(1, seed: 0), labels: [1], extraGlobal: "os\nsystem"), "names os.system"),
            ("builtins.eval", [0x80, 2] + Array("cbuiltins\neval\n(U\u{04}1+1tR.".utf8), "names builtins.eval"),
            ("label out of range", Self.batch(pixels: Self.pixels(1, seed: 0), labels: [10]), "label 10 of image 0 is outside 0..<10"),
            ("label count", Self.batch(pixels: Self.pixels(2, seed: 0), labels: [1]), "1 labels but 2 images"),
            ("truncated", Array(good.prefix(good.count / 2)), "truncated"),
            ("not a dict", [0x80, 2, UInt8(ascii: "]"), UInt8(ascii: ".")], "does not hold a dict"),
            ("unknown opcode", [0x80, 2, UInt8(ascii: "i")] + Array("os\nsystem\n".utf8), "opcode 0x69"),
            ("empty", [], "truncated"),
        ]
        for (name, bytes, message) in cases {
            XCTAssertThrowsError(try CIFARFormat.cifar10.decodePickle(bytes, file: "f", appendingTo: &pixelsSink, labels: &labelsSink), name) { error in
                XCTAssertTrue("\(error)".contains(message) && "\(error)".hasPrefix("f: "), "\(name): \(error)")
            }
        }
        // Every byte flipped in turn: an error or a valid batch, never a crash.
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 400 {
            var bytes = good
            bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
            _ = try? CIFARFormat.cifar10.decodePickle(bytes, file: "f", appendingTo: &pixelsSink, labels: &labelsSink)
        }
    }

    var pixelsSink: [UInt8] = [], labelsSink: [Int32] = []

    func pixels(_ split: Split) -> [UInt8] {
        guard case let .pixels(p) = split.storage else { return [] }
        return Array(p)
    }

    /// A ustar archive of regular files.
    static func tar(_ members: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (path, contents) in members {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, _ at: Int) { for (i, b) in text.utf8.enumerated() { header[at + i] = b } }
            put(path, 0); put("0000644", 100); put("0000000", 108); put("0000000", 116)
            put(String(format: "%011o", contents.count), 124)
            put("00000000000", 136); put("        ", 148); header[156] = UInt8(ascii: "0"); put("ustar", 257); put("00", 263)
            let sum = header.reduce(0) { $0 + Int($1) }
            put(String(format: "%06o", sum) + "\0 ", 148)
            out += header + contents + [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }
}
