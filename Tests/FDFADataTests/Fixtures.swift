import CDeflate
import Foundation
@testable import FDFAData

/// Small data files in the exact on-disk formats, built byte by byte, in a private temp directory.
final class Fixtures {
    let root: String

    init() {
        root = NSTemporaryDirectory() + "fdfa-data-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `bytes` at `root/relative`, creating directories.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) -> String {
        let path = root + "/" + relative
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func idxImages(count: Int, rows: Int = 28, cols: Int = 28, pixel: (Int, Int) -> UInt8) -> [UInt8] {
        var b = be32(0x803) + be32(UInt32(count)) + be32(UInt32(rows)) + be32(UInt32(cols))
        for s in 0 ..< count { for p in 0 ..< rows * cols { b.append(pixel(s, p)) } }
        return b
    }

    static func idxLabels(_ labels: [UInt8]) -> [UInt8] { be32(0x801) + be32(UInt32(labels.count)) + labels }

    /// One CIFAR record: label byte(s) then 3072 pixel bytes from `pixel(index)`.
    static func cifarRecord(labels: [UInt8], pixel: (Int) -> UInt8) -> [UInt8] {
        labels + (0 ..< 3072).map(pixel)
    }

    /// A small MNIST-shaped data set under `root/dir`: `train` and `test` samples whose pixel p of
    /// sample s is (s * 7 + p) % 256 and whose label is s % 10; optionally gzip'd.
    func writeIDXSet(dir: String = "MNIST/raw", train: Int = 5, test: Int = 3, gzip: Bool = false) {
        let pixel: (Int, Int) -> UInt8 = { s, p in UInt8((s * 7 + p) % 256) }
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", Fixtures.idxImages(count: train, pixel: pixel)),
            ("train-labels-idx1-ubyte", Fixtures.idxLabels((0 ..< train).map { UInt8($0 % 10) })),
            ("t10k-images-idx3-ubyte", Fixtures.idxImages(count: test, pixel: pixel)),
            ("t10k-labels-idx1-ubyte", Fixtures.idxLabels((0 ..< test).map { UInt8($0 % 10) })),
        ]
        for (name, bytes) in files {
            if gzip { write("\(dir)/\(name).gz", Fixtures.gzip(bytes)) } else { write("\(dir)/\(name)", bytes) }
        }
    }

    /// gzip-compresses `bytes` with libdeflate (what `gzip` writes: header, deflate, CRC and length).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        let compressor = libdeflate_alloc_compressor(6)!
        defer { libdeflate_free_compressor(compressor) }
        var out = [UInt8](repeating: 0, count: libdeflate_gzip_compress_bound(compressor, bytes.count))
        let produced = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                libdeflate_gzip_compress(compressor, input.baseAddress, input.count, output.baseAddress, output.count)
            }
        }
        precondition(produced > 0, "libdeflate could not compress")
        return Array(out[..<produced])
    }

    static func normalised(_ byte: UInt8) -> Float { (Float(byte) / 255 - 0.5) / 0.5 }

    /// Whether two splits read the very same stored samples, not equal copies: how the cache tests
    /// see that a data set was loaded once.
    static func sameStorage(_ a: Split, _ b: Split) -> Bool {
        switch (a.storage, b.storage) {
        case let (.pixels(x), .pixels(y)):
            return x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
        case let (.floats(x), .floats(y)): return x === y
        default: return false
        }
    }
}
