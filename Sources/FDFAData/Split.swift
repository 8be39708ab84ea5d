import FDFAEngine

/// One split of a data set (train or test): its samples and their labels. Samples are read as floats
/// normalised to [−1, 1] as (x / 255 − 0.5) / 0.5 (synthetic data: as generated), copied out on
/// request, since real data is stored more compactly than that (see `SampleStorage`).
public struct Split {
    /// One class index per sample, in 0..<classCount.
    public let labels: [Int32]
    /// Per-sample shape, e.g. [1, 28, 28] or [3, 32, 32] (any shape for synthetic data).
    public let sampleShape: [Int]
    let storage: SampleStorage

    /// A split over float samples, [count] + per-sample shape.
    public init(images: Tensor, labels: [Int32]) {
        precondition(images.batch == labels.count, "\(images.batch) images but \(labels.count) labels")
        self.init(.floats(images), sampleShape: Array(images.shape.dropFirst()), labels: labels)
    }

    /// A split over pixel bytes as stored in the data files, `sampleShape` bytes per label.
    init(pixels: ArraySlice<UInt8>, sampleShape: [Int], labels: [Int32]) {
        precondition(pixels.count == labels.count * sampleShape.elementCount,
                     "\(pixels.count) pixels for \(labels.count) samples of \(sampleShape)")
        self.init(.pixels(pixels), sampleShape: sampleShape, labels: labels)
    }

    private init(_ storage: SampleStorage, sampleShape: [Int], labels: [Int32]) {
        self.storage = storage
        self.sampleShape = sampleShape
        self.labels = labels
    }

    public var count: Int { labels.count }
    /// Values per sample (784 for MNIST, 3072 for CIFAR).
    public var valuesPerSample: Int { sampleShape.elementCount }

    /// The same samples seen in another shape with as many numbers (a flat 784 network reads 1×28×28
    /// images); no copy.
    public func viewed(as sampleShape: [Int]) -> Split {
        precondition(sampleShape.elementCount == valuesPerSample, "\(self.sampleShape) cannot be viewed as \(sampleShape)")
        return Split(storage, sampleShape: sampleShape, labels: labels)
    }

    /// Writes sample `i` as floats to `out` (`valuesPerSample` of them).
    public func copySample(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(0 <= i && i < count, "sample \(i) of \(count)")
        storage.copy(from: i * valuesPerSample, count: valuesPerSample, into: out)
    }

    /// Writes the samples at `indices`, one after another, as floats to `out`; in parallel, since a
    /// batch copy is on every training step. A shuffled batch reads from all over the split, so
    /// the copy waits on memory rather than computes: from 8192 values a thread (a batch of 64
    /// Fashion-MNIST images is split in two) it took 0.04–0.06 s an epoch instead of 0.06–0.10 s.
    public func copySamples(_ indices: ArraySlice<Int>, into out: UnsafeMutablePointer<Float>) {
        let n = valuesPerSample
        indices.withUnsafeBufferPointer { indices in
            parallelFor(indices.count, valuesEach: n, grain: 8_192) { range in
                for b in range { copySample(indices[b], into: out + b * n) }
            }
        }
    }

    /// The samples at `indices` as one tensor [indices.count] + sampleShape (for tests, the language
    /// and probes; training copies into reused buffers instead).
    public func samples(_ indices: [Int]) -> Tensor {
        let images = Tensor(zeros: [indices.count] + sampleShape)
        copySamples(indices[...], into: images.data)
        return images
    }
}
