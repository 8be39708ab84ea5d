import CDeflate
import FDFAEngine
import Foundation

/// numpy's .npz format: a zip archive of .npy files, one per array (`np.savez` stores them,
/// `np.savez_compressed` deflates them). `dump` of a list writes `arr_0.npy`, `arr_1.npy`, … as
/// `np.savez(path, *arrays)` names them; reading gives the arrays by name, in the archive's order.
enum Npz {
    /// Writes the archive all or nothing (see `AtomicFile`).
    static func write(_ tensors: [Tensor], to path: String) throws {
        var file: [UInt8] = [], directory: [UInt8] = []
        for (i, t) in tensors.enumerated() {
            let name = Array("arr_\(i).npy".utf8), data = Npy.encode(t)
            let crc = data.withUnsafeBytes { UInt32(libdeflate_crc32(0, $0.baseAddress, $0.count)) }
            guard file.count < Int(UInt32.max) - data.count else { throw LanguageError.runtime("cannot write \(path): over 4 GB (zip64 is not written)") }
            // version 2.0, no flags, stored, no time, CRC, sizes, name length, no extra field
            let common = le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(Int(crc), 4) + le(data.count, 4) + le(data.count, 4) + le(name.count, 2) + le(0, 2)
            directory += le(0x0201_4B50, 4) + le(20, 2) + common + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(file.count, 4) + name
            file += le(0x0403_4B50, 4) + common + name + data
        }
        let end = le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(tensors.count, 2) + le(tensors.count, 2)
            + le(directory.count, 4) + le(file.count, 4) + le(0, 2)
        do { try AtomicFile.write(file + directory + end, to: path) } catch { throw LanguageError.runtime("\(error)") }
    }

    /// The arrays of the archive at `path`, by name without `.npy`.
    static func read(_ path: String) throws -> [(name: String, tensor: Tensor)] {
        try decode(try Npy.readBytes(path), path: path)
    }

    /// The arrays of the archive `bytes`; `path` names it in errors.
    static func decode(_ bytes: [UInt8], path: String) throws -> [(name: String, tensor: Tensor)] {
        func fail(_ why: String) -> LanguageError { LanguageError.runtime("\(path) is not a readable .npz file: \(why)") }
        func check(_ at: Int, _ n: Int) throws {
            guard at >= 0, n >= 0, n <= bytes.count, at <= bytes.count - n else { throw fail("a record runs past the end (truncated?)") }
        }
        func field(_ at: Int, _ n: Int) throws -> Int {
            try check(at, n)
            return (0 ..< n).reversed().reduce(0) { $0 << 8 | Int(bytes[at + $1]) }
        }
        // The end-of-central-directory record: the last one within its 22 bytes + a comment of up to 64 KiB.
        guard bytes.count >= 22, let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 22 - 0xFFFF), by: -1)
            .first(where: { (try? field($0, 4)) == 0x0605_4B50 }) else { throw fail("it has no zip directory") }
        var count = try field(end + 10, 2), at = try field(end + 16, 4)
        if count == 0xFFFF || at == 0xFFFF_FFFF {
            // zip64: the locator sits just before, pointing at the zip64 end record.
            guard end >= 20, try field(end - 20, 4) == 0x0706_4B50 else { throw fail("a zip64 archive without its locator") }
            let end64 = try field(end - 12, 8)
            guard try field(end64, 4) == 0x0606_4B50 else { throw fail("a zip64 archive without its end record") }
            count = try field(end64 + 32, 8)
            at = try field(end64 + 48, 8)
        }
        var out: [(String, Tensor)] = []
        for _ in 0 ..< count {
            guard try field(at, 4) == 0x0201_4B50 else { throw fail("a damaged zip directory") }
            let method = try field(at + 10, 2)
            var compressed = try field(at + 20, 4), size = try field(at + 24, 4), local = try field(at + 42, 4)
            let nameLength = try field(at + 28, 2), extraLength = try field(at + 30, 2), commentLength = try field(at + 32, 2)
            try check(at + 46, nameLength + extraLength)
            let name = String(decoding: bytes[(at + 46) ..< (at + 46 + nameLength)], as: UTF8.self)
            // zip64 extra field (id 1): the 8-byte values of the fields that are 0xFFFFFFFF, in order.
            var e = at + 46 + nameLength
            while e + 4 <= at + 46 + nameLength + extraLength {
                let id = try field(e, 2), length = try field(e + 2, 2)
                if id == 1 {
                    var v = e + 4
                    if size == 0xFFFF_FFFF { size = try field(v, 8); v += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try field(v, 8); v += 8 }
                    if local == 0xFFFF_FFFF { local = try field(v, 8) }
                }
                e += 4 + length
            }
            guard try field(local, 4) == 0x0403_4B50 else { throw fail("member \(name) has no local header") }
            let start = local + 30 + (try field(local + 26, 2)) + (try field(local + 28, 2))
            try check(start, compressed)
            let member = Array(bytes[start ..< start + compressed])
            let npy: [UInt8]
            switch method {
            case 0: npy = member
            case 8: npy = try inflate(member, size: size, fail: { fail("member \(name): \($0)") })
            default: throw fail("member \(name) uses zip method \(method) (numpy writes stored or deflated members)")
            }
            let base = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            out.append((base, try Npy.decode(npy, path: "\(path)[\(name)]")))
            at += 46 + nameLength + extraLength + commentLength
        }
        return out
    }

    private static func inflate(_ input: [UInt8], size: Int, fail: (String) -> LanguageError) throws -> [UInt8] {
        guard size <= 1 << 32 else { throw fail("claims \(size) bytes") }
        guard let decompressor = libdeflate_alloc_decompressor() else { throw fail("libdeflate could not start") }
        defer { libdeflate_free_decompressor(decompressor) }
        var output = [UInt8](repeating: 0, count: size)
        let status = input.withUnsafeBytes { i in
            output.withUnsafeMutableBytes { o in libdeflate_deflate_decompress(decompressor, i.baseAddress, i.count, o.baseAddress, o.count, nil) }
        }
        guard status == LIBDEFLATE_SUCCESS else { throw fail("its deflate stream is damaged") }
        return output
    }

    /// `value` as `bytes` little-endian bytes.
    private static func le(_ value: Int, _ bytes: Int) -> [UInt8] { (0 ..< bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
