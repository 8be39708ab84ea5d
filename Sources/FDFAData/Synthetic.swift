import FDFAEngine

/// A synthetic classification problem, deterministic from a seed and linearly separable by a known
/// rule, for tests, teaching and benchmarks where real files are absent or irrelevant.
///
/// Rule: draw a fixed projection W (classCount × features, standard normal); each sample x is uniform
/// in [−1, 1) per feature (the range of normalised pixels); its label is argmax_k (W x)_k. A linear
/// classifier can therefore reach 100 %, and any rule that learns shows it quickly.
/// The generator draws W, then the training samples, then the test samples, from one `Random(seed:)`.
public struct SyntheticSpec: Hashable, Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var sampleShape: [Int]
    public var classCount: Int
    public var trainCount: Int
    public var testCount: Int

    public init(seed: UInt64 = 0, sampleShape: [Int] = [1, 28, 28], classCount: Int = 10,
                trainCount: Int = 2000, testCount: Int = 500) {
        precondition(!sampleShape.isEmpty && sampleShape.allSatisfy { $0 > 0 }, "bad sample shape \(sampleShape)")
        precondition(classCount >= 2 && trainCount >= 0 && testCount >= 0)
        self.seed = seed
        self.sampleShape = sampleShape
        self.classCount = classCount
        self.trainCount = trainCount
        self.testCount = testCount
    }

    public var description: String {
        "seed \(seed), shape \(sampleShape), \(classCount) classes, \(trainCount)/\(testCount)"
    }

    /// The projection W (classCount × features) that defines the labels.
    public func projection() -> Tensor {
        var random = Random(seed: seed)
        return draw(&random)
    }

    /// Builds the data set. Ctrl-C stops it between chunks (`DataError.interrupted`), since a
    /// large request takes seconds; the chunks draw exactly what one pass would.
    public func make() throws -> Dataset {
        var random = Random(seed: seed)
        let w = draw(&random)
        let train = try split(trainCount, w, &random), test = try split(testCount, w, &random)
        return Dataset(name: "synthetic", classCount: classCount, train: train, test: test)
    }

    /// The floats drawn or scored between two looks at Ctrl-C: a multiple of the generator's block
    /// of 4, so that drawing chunk by chunk consumes the same stream as one draw.
    static let chunkFloats = 1 << 22

    private func draw(_ random: inout Random) -> Tensor {
        let w = Tensor(zeros: [classCount, sampleShape.elementCount])
        random.fillNormal(w)
        return w
    }

    private func split(_ count: Int, _ w: Tensor, _ random: inout Random) throws -> Split {
        let features = w.shape[1], k = classCount
        let images = Tensor(zeros: [count] + sampleShape)
        for start in stride(from: 0, to: images.count, by: Self.chunkFloats) {
            try DataError.throwIfInterrupted()
            random.fillUniform(images.data + start, count: min(Self.chunkFloats, images.count - start), low: -1, high: 1)
        }
        let scores = Tensor(zeros: [count, k])
        let rowsPerChunk = max(1, Self.chunkFloats / features)
        for first in stride(from: 0, to: count, by: rowsPerChunk) {
            try DataError.throwIfInterrupted()
            let rows = min(rowsPerChunk, count - first)
            BLAS.gemm(images.data + first * features, w.data, transposeB: true, into: scores.data + first * k, m: rows, n: k, k: features)
        }
        let labels = (0 ..< count).map { i -> Int32 in
            let row = scores.data + i * k
            return Int32((0 ..< k).max { row[$0] < row[$1] }!)
        }
        return Split(images: images, labels: labels)
    }
}
