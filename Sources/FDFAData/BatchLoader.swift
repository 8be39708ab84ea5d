import FDFAEngine

/// Hands out the batches of one split, epoch after epoch, as the reference's DataLoader does:
/// shuffled anew every epoch (training) or in file order (test), the last partial batch kept.
///
/// `while let batch = loader.next() { … }` runs one epoch; the `nil` at its end makes the next call
/// begin the next epoch. Batches live in buffers the loader reuses, so steady-state iteration
/// allocates nothing; a batch's tensor is therefore valid only until the next call to `next()`.
public final class BatchLoader {
    /// One batch: images [B, C, H, W] (or [B, features] when flattened) and their labels.
    public struct Batch {
        public let images: Tensor
        public let labels: [Int32]
        public var count: Int { labels.count }
    }

    public let split: Split
    public let batchSize: Int
    public let shuffle: Bool
    public let transform: ImageTransform?
    /// Per-sample shape of the batches handed out (after transform and flattening).
    public let sampleShape: [Int]
    /// Epochs begun so far (1 during the first epoch).
    public private(set) var epoch = 0

    private var order: [Int] = []
    private var cursor: Int?
    /// Two independent streams, so that augmenting or not does not change the sample order.
    private var shuffleRandom: Random
    private var augmentRandom: Random

    /// Where its two random streams stand (shuffling, augmentation), for checkpoints: a loader given
    /// these back, between epochs, draws the orders and crops an uninterrupted one would have drawn.
    public var randomState: (shuffle: Random, augment: Random) {
        get { (shuffleRandom, augmentRandom) }
        set { (shuffleRandom, augmentRandom) = newValue }
    }
    private var imageBuffer = Workspace()
    private var labelBuffer: [Int32] = []
    private var crops: [ImageTransform.Crop] = []

    /// - Parameters:
    ///   - shuffle: a new random order each epoch (training); otherwise file order (test).
    ///   - seed: seeds the shuffling and the augmentation; the same seed gives the same batches.
    ///   - transform: per-batch image transform (CIFAR-100 for AlexNet), or nil to copy samples as stored.
    ///   - flatten: hand out [B, features] instead of [B, C, H, W] (same numbers, for fully connected nets).
    public init(_ split: Split, batchSize: Int, shuffle: Bool, seed: UInt64 = 0,
                transform: ImageTransform? = nil, flatten: Bool = false) {
        precondition(batchSize > 0, "batch size must be positive")
        self.split = split
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.transform = transform
        let shape = transform?.outputShape(for: split.sampleShape) ?? split.sampleShape
        sampleShape = flatten ? [shape.elementCount] : shape
        shuffleRandom = Random(seed: seed)
        augmentRandom = Random(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        // No batch holds more than the split: a batch size beyond it (1e9 typed in the REPL) reserves no more.
        labelBuffer.reserveCapacity(min(batchSize, split.count))
        crops.reserveCapacity(min(batchSize, split.count))
    }

    /// Batches per epoch, the last one possibly partial (⌈N / batchSize⌉).
    public var batchCount: Int { (split.count + batchSize - 1) / batchSize }

    /// Batches of the current epoch not yet handed out (0 before the first epoch and at its end).
    public var batchesLeft: Int { cursor.map { (split.count - $0 + batchSize - 1) / batchSize } ?? 0 }

    /// Begins a new epoch (drawing a fresh order when shuffling) even if the current one is unfinished.
    public func startEpoch() {
        epoch += 1
        if shuffle {
            order = shuffleRandom.permutation(split.count)
        } else if order.count != split.count {
            order = Array(0 ..< split.count)
        }
        cursor = 0
    }

    /// The next batch of the current epoch, or nil once it is exhausted (the call after that starts
    /// the next epoch).
    public func next() -> Batch? {
        if cursor == nil { startEpoch() }
        let start = cursor!
        guard start < split.count else {
            cursor = nil
            return nil
        }
        let indices = order[start ..< min(start + batchSize, split.count)]
        cursor = indices.endIndex
        let images = imageBuffer.tensor([indices.count] + sampleShape)
        if let transform {
            fillTransformed(images, indices, transform)
        } else {
            split.copySamples(indices, into: images.data)
        }
        labelBuffer.removeAll(keepingCapacity: true)
        for i in indices { labelBuffer.append(split.labels[i]) }
        return Batch(images: images, labels: labelBuffer)
    }

    private func fillTransformed(_ images: Tensor, _ indices: ArraySlice<Int>, _ transform: ImageTransform) {
        let shape = split.sampleShape
        let (c, h, w) = (shape[0], shape[1], shape[2])
        // Parameters are drawn in batch order on this thread, so they do not depend on the thread count.
        crops.removeAll(keepingCapacity: true)
        for _ in indices { crops.append(transform.crop(height: h, width: w, random: &augmentRandom)) }
        let inCount = c * h * w, size = transform.size, outCount = c * size * size
        let dst = images.data, base = indices.startIndex
        order.withUnsafeBufferPointer { order in
            crops.withUnsafeBufferPointer { crops in
                parallelFor(indices.count, minimumPerThread: 4) { range in
                    // Each sample is read as floats first: a 32×32 source is small next to its 224×224 output.
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: inCount) { source in
                        for b in range {
                            split.copySample(order[base + b], into: source.baseAddress!)
                            ImageTransform.resample(source.baseAddress!, channels: c, height: h, width: w,
                                                    crop: crops[b], into: dst + b * outCount, size: size)
                        }
                    }
                }
            }
        }
    }
}
