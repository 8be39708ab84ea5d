import FDFAEngine

/// The IDX format of MNIST and Fashion-MNIST: a big-endian header (magic, then one 32-bit size per
/// dimension) followed by unsigned bytes. We accept only the two shapes those data sets use:
/// 0x00000803 images (count, rows, cols) and 0x00000801 labels (count).
enum IDX {
    static let imageMagic: UInt32 = 0x0000_0803
    static let labelMagic: UInt32 = 0x0000_0801

    /// Decoded images: `count` samples of rows × cols, shape [count, 1, rows, cols], and their pixel
    /// bytes, a slice of `bytes` past the header (kept as they are; `Split` normalises them).
    static func images(_ bytes: [UInt8], file: String) throws -> (pixels: ArraySlice<UInt8>, shape: [Int]) {
        let dims = try header(bytes, file: file, magic: imageMagic, what: "image")
        let (count, rows, cols) = (dims[0], dims[1], dims[2])
        guard rows > 0, cols > 0 else { throw DataError.malformed(file: file, reason: "image size \(rows)×\(cols) is empty") }
        return (bytes[16...], [count, 1, rows, cols])
    }

    /// Decoded labels, each checked to lie in 0..<classCount.
    static func labels(_ bytes: [UInt8], file: String, classCount: Int) throws -> [Int32] {
        let count = try header(bytes, file: file, magic: labelMagic, what: "label")[0]
        var labels = [Int32](repeating: 0, count: count)
        for i in 0 ..< count {
            let label = bytes[8 + i]
            guard Int(label) < classCount else {
                throw DataError.malformed(file: file, reason: "label \(label) at index \(i) is outside 0..<\(classCount)")
            }
            labels[i] = Int32(label)
        }
        return labels
    }

    /// Checks the magic number and that the file holds exactly the bytes its header promises;
    /// returns the dimension sizes.
    private static func header(_ bytes: [UInt8], file: String, magic: UInt32, what: String) throws -> [Int] {
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        guard bytes.count >= 4 else {
            throw DataError.malformed(file: file, reason: "\(bytes.count) bytes is too short for an IDX header")
        }
        let found = word(bytes, 0)
        guard found == magic else {
            throw DataError.malformed(file: file, reason: "wrong magic number 0x\(hex(found)), expected 0x\(hex(magic)) (IDX \(what) file)")
        }
        guard bytes.count >= headerSize else {
            throw DataError.malformed(file: file, reason: "truncated header (\(bytes.count) of \(headerSize) bytes)")
        }
        let dims = (0 ..< rank).map { Int(word(bytes, 4 + 4 * $0)) }
        let (expected, wraps) = headerSize.addingReportingOverflow(dims.checkedProduct ?? .max)
        let overflow = dims.checkedProduct == nil || wraps
        guard !overflow, bytes.count == expected else {
            let size = overflow ? "more than the address space" : "\(expected) bytes"
            throw DataError.malformed(file: file, reason: "header says \(dims.map(String.init).joined(separator: "×")) = \(size), file has \(bytes.count) bytes"
                + (bytes.count < expected || overflow ? " (truncated or wrong header)" : " (trailing data)"))
        }
        guard dims[0] > 0 else { throw DataError.malformed(file: file, reason: "it holds no samples (an empty split)") }
        return dims
    }

    private static func word(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}
