/// The binary CIFAR formats: fixed-size records of label byte(s) then 3072 pixel bytes
/// (1024 red, 1024 green, 1024 blue, each 32×32 row-major, i.e. already CHW).
/// CIFAR-10 has one label byte; CIFAR-100 has a coarse and a fine byte, and the fine one is used.
struct CIFARFormat {
    let labelBytes: Int
    /// Which of the label bytes is the class (CIFAR-100: the fine label, the second byte).
    let labelIndex: Int
    let classCount: Int

    static let cifar10 = CIFARFormat(labelBytes: 1, labelIndex: 0, classCount: 10)
    static let cifar100 = CIFARFormat(labelBytes: 2, labelIndex: 1, classCount: 100)

    static let sampleShape = [3, 32, 32]
    static let pixelCount = sampleShape.elementCount
    var recordSize: Int { labelBytes + CIFARFormat.pixelCount }

    /// Number of records in a file of this many bytes, or an error if it is not a whole number of them.
    func recordCount(_ bytes: [UInt8], file: String) throws -> Int {
        guard bytes.count % recordSize == 0 else {
            throw DataError.malformed(file: file, reason: "\(bytes.count) bytes is not a whole number of \(recordSize)-byte records (truncated or not a CIFAR binary file)")
        }
        return bytes.count / recordSize
    }

    /// Decodes the file's records, in order, appending their pixel bytes (as they are; `Split`
    /// normalises them) to `pixels` and their classes to `labels`.
    func decode(_ bytes: [UInt8], file: String, appendingTo pixels: inout [UInt8], labels: inout [Int32]) throws {
        let n = try recordCount(bytes, file: file)
        let size = recordSize
        for r in 0 ..< n {
            let label = bytes[r * size + labelIndex]
            guard Int(label) < classCount else {
                throw DataError.malformed(file: file, reason: "label \(label) in record \(r) is outside 0..<\(classCount)")
            }
            labels.append(Int32(label))
        }
        for r in 0 ..< n {
            if r % Self.recordsBetweenInterruptChecks == 0 { try DataError.throwIfInterrupted() }
            pixels += bytes[r * size + labelBytes ..< (r + 1) * size]
        }
    }

    /// Records copied between two looks at Ctrl-C (3 MB of pixels).
    static let recordsBetweenInterruptChecks = 1024

    /// The key of the class labels in the Python version's dict: `labels` (CIFAR-10), `fine_labels` (CIFAR-100).
    var pickleLabelKey: String { labelBytes == 1 ? "labels" : "fine_labels" }

    /// Decodes one file of the Python version (see `CIFARPickle`): `data`, a uint8 array of N × 3072
    /// (the same CHW bytes as the binary records), and the labels, a list of N ints.
    func decodePickle(_ bytes: [UInt8], file: String, appendingTo pixels: inout [UInt8], labels: inout [Int32]) throws {
        let dict = try CIFARPickle.dictionary(bytes, file: file)
        guard case let .array(data)? = dict["data"], data.dtype == "u1", data.shape.count >= 2,
              data.shape.dropFirst().elementCount == CIFARFormat.pixelCount, data.bytes.count == data.shape.elementCount else {
            throw DataError.malformed(file: file, reason: "its 'data' is not a uint8 array of N × \(CIFARFormat.pixelCount) pixels")
        }
        guard case let .list(items)? = dict[pickleLabelKey] else {
            throw DataError.malformed(file: file, reason: "it has no '\(pickleLabelKey)' list")
        }
        guard items.count == data.shape[0] else {
            throw DataError.malformed(file: file, reason: "\(items.count) labels but \(data.shape[0]) images")
        }
        for (r, item) in items.enumerated() {
            guard case let .int(label) = item else { throw DataError.malformed(file: file, reason: "label \(r) is not an integer") }
            guard (0 ..< classCount).contains(label) else {
                throw DataError.malformed(file: file, reason: "label \(label) of image \(r) is outside 0..<\(classCount)")
            }
            labels.append(Int32(label))
        }
        pixels += data.bytes
    }
}
