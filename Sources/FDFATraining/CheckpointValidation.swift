import FDFAEngine

/// What a checkpoint brings is checked before anything is trained on it: a checkpoint is data, and a
/// corrupt or crafted one is refused with the reason, never trained on without a word.
extension Checkpoint {
    /// More epochs than any run trains: a count beyond it is corrupt (and near Int.max it would wrap).
    public static let maximumEpochs = 1_000_000
    /// Steps (and optimiser steps) beyond this are corrupt: 2⁴⁰ steps take centuries.
    public static let maximumSteps = 1 << 40

    /// Checks the counters and tensors `restore` is about to load into `trainer`: counts within
    /// their ranges, a finite, non-negative learning rate, finite tensors, and non-negative BatchNorm
    /// running variances and Adam second moments. `stored` holds the file's tensors by name.
    static func validate(_ trainer: Trainer, steps: Int, epochs: Int, learningRate: Float, optimizerSteps: Int,
                         feedbackSteps: Int, stored: [String: Tensor], path: String) throws {
        func refuse(_ reason: String) -> MismatchError { MismatchError(path: path, reason: reason) }
        guard (0 ... maximumEpochs).contains(epochs) else { throw refuse("metadata 'epochs' is \(epochs), outside 0...\(maximumEpochs)") }
        for (key, value) in [("steps", steps), ("optimizer_steps", optimizerSteps), ("feedback_optimizer_steps", feedbackSteps)]
        where !(0 ... maximumSteps).contains(value) {
            throw refuse("metadata '\(key)' is \(value), outside 0...\(maximumSteps)")
        }
        guard learningRate.isFinite, learningRate >= 0 else { throw refuse("metadata 'learning_rate' is \(learningRate)") }
        // The variances by identity, so that this holds whatever the tensors are called.
        let variances = trainer.network.layers.compactMap { ($0 as? BatchNorm)?.runningVariance }
            + (trainer.optimizer.moments + (trainer.feedbackOptimizer?.moments ?? [])).map(\.v)
        for (name, target) in tensors(of: trainer) {
            guard let tensor = stored[name] else { continue }
            let values = UnsafeBufferPointer(start: tensor.data, count: tensor.count)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw refuse("tensor '\(name)' holds \(values[bad]) at index \(bad)")
            }
            if variances.contains(where: { $0 === target }), let bad = values.firstIndex(where: { $0 < 0 }) {
                throw refuse("tensor '\(name)' holds the negative variance \(values[bad]) at index \(bad)")
            }
        }
    }

    /// Refuses a checkpoint trained on another data set than `dataset` (its metadata 'dataset').
    public static func requireDataset(_ dataset: String, in metadata: [String: String], path: String) throws {
        guard let recorded = metadata["dataset"] else {
            throw MismatchError(path: path, reason: "it does not record the data set and the log a resumed run needs: it was not "
                                + "written by fdfa train (a session's save_checkpoint, or an older fdfa); --init starts a run from its weights")
        }
        guard recorded == dataset else {
            throw MismatchError(path: path, reason: "it was trained on \(recorded), this run uses \(dataset)")
        }
    }
}
