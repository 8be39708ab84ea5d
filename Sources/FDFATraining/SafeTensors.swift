import FDFAEngine
import Foundation

/// The safetensors file format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each tensor's name to its dtype, shape and byte range, an optional "__metadata__" map of
/// strings, then the raw little-endian data. fdfa writes float32 ("F32") tensors, and int64 ("I64")
/// for counters PyTorch keeps as integers (BatchNorm's `num_batches_tracked`); it reads every numeric
/// dtype, converted to float32 (a float64 value beyond float32's range is an error naming the tensor).
///
/// Chosen for checkpoints because numpy, PyTorch and JAX users can open it without fdfa, and because
/// its header can be validated completely before a byte of data is trusted.
public enum SafeTensors {
    public struct FormatError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): not a valid safetensors file: \(reason)" }
    }

    /// Writes `tensors` (in the given order) and `metadata` to `path` atomically: a temporary file in
    /// the same directory, then a rename, so a reader never sees a half-written file. The tensors
    /// named in `integers` are written as int64 (their values rounded).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], to path: String,
                             integers: Set<String> = []) throws {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for (name, t) in tensors {
            let dtype: DType = integers.contains(name) ? .i64 : .f32
            let bytes = dtype.size * t.count
            header[name] = ["dtype": dtype.rawValue, "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for (name, t) in tensors {
            if integers.contains(name) {
                for x in t.array { withUnsafeBytes(of: Int64(x.rounded()).littleEndian) { file.append(contentsOf: $0) } }
            } else {
                file.append(Data(bytes: t.data, count: 4 * t.count))
            }
        }
        try writeAtomically(file, to: path)
    }

    /// The element types of the format (little-endian).
    enum DType: String {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"

        var size: Int {
            switch self {
            case .f64, .i64, .u64: return 8
            case .f32, .i32, .u32: return 4
            case .f16, .bf16, .i16, .u16: return 2
            case .i8, .u8, .bool: return 1
            }
        }

        /// Element `i` of little-endian `bytes`, as a Double (exact for every type but 64-bit integers beyond 2^53).
        func element(_ bytes: UnsafeRawPointer, _ i: Int) -> Double {
            let p = bytes + i * size
            switch self {
            case .f64: return Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
            case .f32: return Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
            case .f16: return Double(Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))))
            case .bf16: return Double(Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16))
            case .i64: return Double(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
            case .i32: return Double(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
            case .i16: return Double(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
            case .i8: return Double(p.load(as: Int8.self))
            case .u64: return Double(UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
            case .u32: return Double(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
            case .u16: return Double(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
            case .u8, .bool: return Double(p.load(as: UInt8.self))
            }
        }
    }

    /// Reads every tensor and the metadata; throws `FormatError` naming what is wrong.
    public static func read(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        // A FIFO or a device in the file's place would be read from without end.
        var info = stat()
        if stat(path, &info) == 0, ![S_IFREG, S_IFDIR].contains(info.st_mode & S_IFMT) {
            throw FormatError(path: path, reason: "is not a regular file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw FormatError(path: path, reason: exists ? (isDirectory.boolValue ? "is a directory" : "cannot be read") : "no such file")
        }
        guard data.count >= 8 else { throw FormatError(path: path, reason: "shorter than its 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw FormatError(path: path, reason: "header length \(headerLength) exceeds the file (\(data.count) bytes)")
        }
        let headerEnd = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data[8 ..< headerEnd]) as? [String: Any] else {
            throw FormatError(path: path, reason: "header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        let body = data.count - headerEnd
        for (name, entry) in header {
            if name == "__metadata__" {
                guard let m = entry as? [String: String] else { throw FormatError(path: path, reason: "__metadata__ is not a map of strings") }
                metadata = m
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else { throw FormatError(path: path, reason: "entry '\(name)' lacks dtype, shape or data_offsets") }
            guard let type = DType(rawValue: dtype) else {
                throw FormatError(path: path, reason: "tensor '\(name)' has dtype \(dtype), which is not a number type")
            }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else { throw FormatError(path: path, reason: "tensor '\(name)' has shape \(shape)") }
            guard let count = shape.checkedProduct, let bytes = [type.size, count].checkedProduct,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= body, offsets[1] - offsets[0] == bytes else {
                throw FormatError(path: path, reason: "tensor '\(name)': byte range \(offsets) does not fit shape \(shape) of \(dtype) in a \(body)-byte body")
            }
            let t = Tensor(zeros: shape)
            try data.withUnsafeBytes { raw in
                let src = raw.baseAddress! + headerEnd + offsets[0]
                if type == .f32 {
                    UnsafeMutableRawPointer(t.data).copyMemory(from: src, byteCount: 4 * count)
                    return
                }
                for i in 0 ..< count {
                    let x = type.element(src, i)
                    guard !x.isFinite || abs(x) <= Double(Float.greatestFiniteMagnitude) else {
                        throw FormatError(path: path, reason: "tensor '\(name)' holds \(x) at element \(i), beyond float32's range")
                    }
                    t.data[i] = Float(x)
                }
            }
            tensors[name] = t
        }
        return (tensors, metadata)
    }
}

/// Writes `data` to `path` all or nothing (see `AtomicFile`), creating its directory if missing.
public func writeAtomically(_ data: Data, to path: String) throws {
    try createDirectory(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    try data.withUnsafeBytes { try AtomicFile.write($0, to: path) }
}
