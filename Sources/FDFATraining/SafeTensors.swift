import FDFAEngine
import Foundation

/// The safetensors file format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each tensor's name to its dtype, shape and byte range, an optional "__metadata__" map of
/// strings, then the raw little-endian data. fdfa writes and reads float32 ("F32") tensors only.
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
    /// the same directory, then a rename, so a reader never sees a half-written file.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], to path: String) throws {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for (name, t) in tensors {
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]]
            offset += 4 * t.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for (_, t) in tensors {
            file.append(Data(bytes: t.data, count: 4 * t.count))
        }
        try writeAtomically(file, to: path)
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
            guard dtype == "F32" else { throw FormatError(path: path, reason: "tensor '\(name)' has dtype \(dtype); fdfa reads F32") }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else { throw FormatError(path: path, reason: "tensor '\(name)' has shape \(shape)") }
            guard let count = shape.checkedProduct, let bytes = [4, count].checkedProduct,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= body, offsets[1] - offsets[0] == bytes else {
                throw FormatError(path: path, reason: "tensor '\(name)': byte range \(offsets) does not fit shape \(shape) in a \(body)-byte body")
            }
            let t = Tensor(zeros: shape)
            data.withUnsafeBytes { raw in
                let src = raw.baseAddress! + headerEnd + offsets[0]
                UnsafeMutableRawPointer(t.data).copyMemory(from: src, byteCount: 4 * count)
            }
            tensors[name] = t
        }
        return (tensors, metadata)
    }
}

/// Writes `data` to `path` all or nothing (see `AtomicFile`), creating its directory if missing.
public func writeAtomically(_ data: Data, to path: String) throws {
    try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                            withIntermediateDirectories: true)
    try data.withUnsafeBytes { try AtomicFile.write($0, to: path) }
}
