import FDFAData
import FDFAEngine
import Foundation

/// A network training on a dataset: the trainer, the two batch loaders and the epoch loop that
/// `fdfa train` and the language's `train` share.
///
/// An epoch begins by drawing the loader's next order (so a resumed run that replays `epochs`
/// orders continues exactly where the uninterrupted one would be), steps once per batch, checks
/// `Interrupt.requested` before every step, and ends with the learning-rate decay.
public final class TrainingRun {
    public let dataset: Dataset
    public let trainer: Trainer
    public let trainLoader: BatchLoader
    public let testLoader: BatchLoader

    public var network: Network { trainer.network }
    /// Samples per training batch, and per group of the test loss (the reference's test batches).
    public let batchSize: Int

    /// - Parameter evaluationBatches: training batches per evaluation forward pass; by default as
    ///   many as `evaluationBatches(for:batchSize:)` allows. The test loss is the same either way.
    public init(dataset: Dataset, trainer: Trainer, batchSize: Int, dataSeed: UInt64,
                trainTransform: ImageTransform? = nil, testTransform: ImageTransform? = nil,
                evaluationBatches: Int? = nil) {
        self.dataset = dataset
        self.trainer = trainer
        self.batchSize = batchSize
        let perPass = evaluationBatches ?? Self.evaluationBatches(for: trainer.network, batchSize: batchSize)
        trainLoader = BatchLoader(dataset.train, batchSize: batchSize, shuffle: true, seed: dataSeed, transform: trainTransform)
        testLoader = BatchLoader(dataset.test, batchSize: batchSize * perPass, shuffle: false, transform: testTransform)
    }

    /// How many training batches one evaluation pass takes: up to 1024 samples, and few enough that
    /// the layers' outputs stay within 64 MiB, since a layer keeps its largest buffer (a fully
    /// connected net: 16 batches of 64; the shallow CNN: 2; AlexNet: 1).
    public static func evaluationBatches(for network: Network, batchSize: Int) -> Int {
        let samples = min(1024, (16 << 20) / max(outputValuesPerSample(network), 1))
        return max(1, samples / batchSize)
    }

    /// The values every layer outputs for one sample, summed over the layers.
    private static func outputValuesPerSample(_ network: Network) -> Int {
        network.layers.reduce(0) { $0 + $1.outputShape.elementCount }
    }

    /// Refuses a batch size whose training step would need more than half of this machine's memory
    /// (estimated as four floats per output of every layer per sample: outputs, their gradients,
    /// and as much again for the rule's and the kernels' scratch buffers), so that a huge
    /// `--batch-size` is an error before anything is allocated, not an abort part way.
    public static func checkBatchFits(_ network: Network, batchSize: Int) throws {
        let (bytes, overflow) = (16 * outputValuesPerSample(network)).multipliedReportingOverflow(by: batchSize)
        let available = ProcessInfo.processInfo.physicalMemory / 2
        guard !overflow, UInt64(bytes) <= available else {
            throw ShapeError("a batch of \(batchSize) needs about \(overflow ? "more than the address space" : "\(bytes >> 20) MiB")"
                + " for this network's training step, more than half of this machine's \(available >> 19) MiB")
        }
    }

    /// Where an epoch is, as the reference's console line reports it.
    public struct BatchProgress {
        /// 0-based index of the batch just trained.
        public let index: Int
        public let batchCount: Int
        /// Samples before this batch (index × batch size, as the reference prints it).
        public let samplesBefore: Int
        public let sampleCount: Int
        public let loss: Float
    }

    public struct EpochSummary {
        /// Mean of the epoch's batch losses, summed and divided in double precision as the
        /// reference does with Python floats (its CSV prints this double's shortest repr).
        public let meanLoss: Double
        public let batches: Int
        /// Stopped before its last batch (by `afterBatch` or Ctrl-C); the learning rate was not decayed.
        public let stoppedEarly: Bool
        public let interrupted: Bool
        /// Time spent in training steps, and in drawing the order and assembling the batches.
        public let stepTime: Duration, batchTime: Duration
    }

    /// Trains one epoch. `afterBatch` sees each batch's progress and returns false to end the epoch
    /// there (the reference's --dry-run). A diverging step throws `DivergenceError` with nothing
    /// updated by that step.
    ///
    /// With `continuing`, the epoch an earlier call left unfinished goes on where it stopped (same
    /// order) instead of a new one starting. With `openWhenStopped`, an epoch that `afterBatch` ends
    /// early stays unfinished, with no epoch counted and no learning-rate decay, for a later call to
    /// continue (the language's `train(net, data, steps=n)`); otherwise it counts as done (--dry-run).
    public func trainEpoch(continuing: Bool = false, openWhenStopped: Bool = false,
                           afterBatch: (BatchProgress) throws -> Bool = { _ in true }) throws -> EpochSummary {
        let clock = ContinuousClock()
        var stepTime = Duration.zero, batchTime = Duration.zero
        var mark = clock.now
        if !continuing || trainLoader.batchesLeft == 0 { trainLoader.startEpoch() }
        let first = trainLoader.batchCount - trainLoader.batchesLeft
        var total: Double = 0
        var index = 0
        var stopped = false, interrupted = false
        while true {
            // Checked before taking a batch, so that an epoch left open loses none.
            if Interrupt.requested {
                interrupted = true
                break
            }
            guard let batch = trainLoader.next() else { break }
            let assembled = clock.now
            batchTime += assembled - mark
            let result = try trainer.step(images: batch.images, labels: batch.labels)
            stepTime += clock.now - assembled
            total += Double(result.loss)
            let progress = BatchProgress(index: first + index, batchCount: trainLoader.batchCount,
                                         samplesBefore: (first + index) * trainLoader.batchSize,
                                         sampleCount: dataset.train.count, loss: result.loss)
            index += 1
            if try !afterBatch(progress) {
                stopped = trainLoader.batchesLeft > 0
                break
            }
            mark = clock.now
        }
        let complete = !interrupted && !(stopped && openWhenStopped)
        if complete { trainer.finishEpoch() }
        return EpochSummary(meanLoss: index > 0 ? total / Double(index) : .nan, batches: index,
                            stoppedEarly: stopped || interrupted, interrupted: interrupted,
                            stepTime: stepTime, batchTime: batchTime)
    }

    public struct Evaluation {
        /// Mean over batches of the batch-mean cross-entropy (the reference's test loss: float32
        /// batch means, summed and divided in double precision).
        public let loss: Double
        public let correct: Int
        public let count: Int
        /// 100 × correct / count.
        public var accuracy: Double { count > 0 ? 100 * Double(correct) / Double(count) : 0 }
    }

    /// The training data's random streams as checkpoint metadata (with `Checkpoint.save`'s own).
    public var dataState: [String: String] {
        let (shuffle, augment) = trainLoader.randomState
        return Checkpoint.record(shuffle, as: "data_shuffle").merging(Checkpoint.record(augment, as: "data_augment")) { $1 }
    }

    /// Puts the training data's random streams back from checkpoint metadata, so that the next epoch
    /// draws the order and crops it would have drawn without the interruption.
    public func restoreData(from metadata: [String: String], checkpoint path: String) throws {
        trainLoader.randomState = (try Checkpoint.random("data_shuffle", in: metadata, path: path),
                                   try Checkpoint.random("data_augment", in: metadata, path: path))
    }

    /// Evaluates on the test split in order, with BatchNorm's running statistics. `cancellation` runs
    /// before each batch; what it throws stops the evaluation (the language's Ctrl-C).
    public func evaluate(cancellation: () throws -> Void = {}) throws -> Evaluation {
        testLoader.startEpoch()
        var total: Double = 0
        var batches = 0, correct = 0, count = 0
        while let batch = testLoader.next() {
            try cancellation()
            let r = trainer.evaluate(images: batch.images, labels: batch.labels, groupSize: batchSize)
            total += r.sumOfGroupMeans
            batches += r.groups
            correct += r.correct
            count += batch.count
        }
        return Evaluation(loss: batches > 0 ? total / Double(batches) : .nan, correct: correct, count: count)
    }
}
