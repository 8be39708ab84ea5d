import FDFAEngine
import Foundation

/// numpy's .npy format, so tensors move to and from Python: `np.load("t.npy")` reads what `dump`
/// writes. Layout: the magic `\x93NUMPY`, version bytes, a little-endian header length, a header
/// that is a Python dict literal (dtype, order, shape) padded with spaces to a multiple of 64
/// bytes and ending in a newline, then the raw little-endian values.
enum Npy {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Writes version 1.0 with dtype '<f4' in C (row-major) order.
    static func write(_ t: Tensor, to path: String) throws {
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        for x in t.array { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw LanguageError.runtime("cannot write \(path)")
        }
    }

    static func read(_ path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else { throw LanguageError.runtime("cannot read \(path)") }
        let bytes = [UInt8](data)
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
        let width = descr == "'<f4'" ? 4 : descr == "'<f8'" ? 8 : 0
        guard width > 0 else { throw fail("dtype \(descr) is not supported (use float32 '<f4' or float64 '<f8')") }
        guard let count = shape.checkedProduct, [count, width].checkedProduct != nil else {
            throw fail("shape \(shape) holds more numbers than memory can")
        }
        guard bytes.count - dataStart == count * width else {
            throw fail("shape \(shape) needs \(count * width) bytes of data, the file has \(bytes.count - dataStart)")
        }
        let t = Tensor(zeros: shape)
        bytes.withUnsafeBytes { raw in
            for i in 0 ..< count {
                let offset = dataStart + i * width
                t[flat: i] = width == 4
                    ? Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    : Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        }
        return t
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
