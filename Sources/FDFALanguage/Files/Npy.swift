import FDFAData
import FDFAEngine
import Foundation

/// numpy's .npy format, so tensors move to and from Python: `np.load("t.npy")` reads what `dump`
/// writes. Layout: the magic `\x93NUMPY`, version bytes, a little-endian header length, a header
/// that is a Python dict literal (dtype, order, shape) padded with spaces to a multiple of 64
/// bytes and ending in a newline, then the raw values. fdfa writes float32; it reads every
/// numeric dtype in either byte order (see `DType`), converted to float32.
enum Npy {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Writes version 1.0 with dtype '<f4' in C (row-major) order, all or nothing (see `AtomicFile`).
    static func write(_ t: Tensor, to path: String) throws {
        do { try AtomicFile.write(encode(t), to: path) } catch { throw LanguageError.runtime("\(error)") }
    }

    /// The .npy bytes of `t` (also the members of an .npz).
    static func encode(_ t: Tensor) -> [UInt8] {
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        for x in t.array { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }

    static func read(_ path: String) throws -> Tensor {
        return try decode(try readBytes(path), path: path)
    }

    /// The bytes of the file at `path`; a missing file, a directory, a FIFO or an empty file is an
    /// error saying which (shared with `Npz`).
    static func readBytes(_ path: String) throws -> [UInt8] {
        do { return try FileBytes.readRaw(path) } catch let error as DataError { throw LanguageError.runtime("\(error)") }
    }

    /// The tensor in .npy `bytes`; `path` names the file (or the .npz member) in errors.
    static func decode(_ bytes: [UInt8], path: String) throws -> Tensor {
        func fail(_ why: String) -> LanguageError { LanguageError.runtime("\(path) is not a readable .npy file: \(why)") }
        guard bytes.count >= 10, Array(bytes[0 ..< 6]) == magic else { throw fail("it does not start with \\x93NUMPY") }
        let lengthBytes = bytes[6] == 1 ? 2 : 4 // version 1 has a 2-byte header length, versions 2 and 3 have 4
        guard (1 ... 3).contains(bytes[6]), bytes.count >= 8 + lengthBytes else { throw fail("unknown version \(bytes[6]).\(bytes[7])") }
        let headerLength = (0 ..< lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let dataStart = 8 + lengthBytes + headerLength
        guard bytes.count >= dataStart, let header = String(bytes: bytes[(8 + lengthBytes) ..< dataStart], encoding: .utf8) else {
            throw fail("the header is cut short")
        }
        let descr = try value(of: "descr", in: header, path: path)
        guard try value(of: "fortran_order", in: header, path: path) == "False" else {
            throw fail("Fortran order is not supported (save with np.ascontiguousarray)")
        }
        let shapeText = try value(of: "shape", in: header, path: path)
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { (text: String) -> Int in
                guard let n = Int(text), n >= 0 else { throw fail("bad shape \(shapeText)") }
                return n
            }
        let count = try MemoryBudget.elementCount(shape, "\(path): the header's shape \(shape)")
        guard let dtype = DType(descr: descr) else {
            throw fail("dtype \(descr) is not a number type (bool, int, uint or float of 1 to 8 bytes)")
        }
        let width = dtype.size
        guard bytes.count - dataStart == count * width else {
            throw fail("shape \(shape) needs \(count * width) bytes of data, the file has \(bytes.count - dataStart)")
        }
        let t = try MemoryBudget.zeros(shape)
        try bytes.withUnsafeBytes { raw in
            for i in 0 ..< count {
                let x = dtype.element(raw.baseAddress! + dataStart + i * width)
                guard !x.isFinite || abs(x) <= Double(Float.greatestFiniteMagnitude) else {
                    throw fail("element \(i) is \(x), beyond float32's range")
                }
                t[flat: i] = Float(x)
            }
        }
        return t
    }

    /// A numpy element type: `'<f4'`, `'>i8'`, `'|u1'`, `'|b1'`, `'<f2'` ….
    struct DType {
        enum Kind: Character { case float = "f", int = "i", uint = "u", bool = "b" }
        let kind: Kind
        let size: Int
        let bigEndian: Bool

        init?(descr: String) {
            let text = Array(descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")))
            guard text.count >= 3, let kind = Kind(rawValue: text[1]), let size = Int(String(text[2...])) else { return nil }
            let sizes: [Kind: Set<Int>] = [.float: [2, 4, 8], .int: [1, 2, 4, 8], .uint: [1, 2, 4, 8], .bool: [1]]
            guard "<>|=".contains(text[0]), sizes[kind]!.contains(size) else { return nil }
            self.kind = kind
            self.size = size
            bigEndian = text[0] == ">"
        }

        /// The element at `p` as a Double (exact, but for 64-bit integers beyond 2^53).
        func element(_ p: UnsafeRawPointer) -> Double {
            var bits: UInt64 = 0
            for b in 0 ..< size {
                let byte = UInt64(p.load(fromByteOffset: bigEndian ? size - 1 - b : b, as: UInt8.self))
                bits |= byte << (8 * UInt64(b))
            }
            switch (kind, size) {
            case (.float, 2): return Double(Float(Float16(bitPattern: UInt16(bits))))
            case (.float, 4): return Double(Float(bitPattern: UInt32(bits)))
            case (.float, _): return Double(bitPattern: bits)
            case (.int, _):
                let shift = UInt64(64 - 8 * size)
                return Double(Int64(bitPattern: bits << shift) >> Int64(shift))
            case (.uint, _), (.bool, _): return Double(bits)
            }
        }
    }

    /// The text of `'key': value` in the header dict (the value up to the next `,` outside parentheses).
    private static func value(of key: String, in header: String, path: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)':") else {
            throw LanguageError.runtime("\(path) is not a readable .npy file: the header has no '\(key)'")
        }
        var depth = 0
        var text = ""
        for c in header[keyRange.upperBound...] {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if depth == 0, c == "," || c == "}" { break }
            text.append(c)
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
