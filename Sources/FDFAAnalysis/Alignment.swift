import FDFAEngine

/// How well a trainer's rule follows backpropagation right now (docs/reference.md#analysis).
public enum Alignment {
    /// Runs the first half of the rule's step on `images` and compares its signals and parameter
    /// gradients with BP's on the same batch and parameters, and (with `feedback`) each B_l with the
    /// exact batch-mean Jacobian J_l (see `Jacobian` for the definition and its cost).
    ///
    /// Training is not disturbed: the rule's perturbations come from a generator of the measurement's
    /// own seeded with `seed` (`Trainer.measureGradients`), and statistics are not updated. Take it
    /// between steps. Rethrows the rule's `DivergenceError` on a non-finite batch.
    ///
    /// BP's own δ_l is the truth by definition; FG-W has no signal at taps (its `delta` is nil); FA's
    /// δ_l is the error its random backward matrices bring to the tap.
    /// `cancellation` runs between the Jacobian's backward passes; what it throws stops the measurement.
    public static func measure(
        _ trainer: Trainer, images: Tensor, labels: [Int32], feedback: Bool = true, seed: UInt64 = 0,
        cancellation: () throws -> Void = {}
    ) throws -> AlignmentReport {
        let network = trainer.network
        var generator = Random(seed: seed)
        try trainer.measureGradients(images: images, labels: labels, drawing: &generator)
        let ruleGradients = network.layers.map { $0.parameters.map { $0.grad.copy() } }
        let ruleSignals = trainer.signals.map { $0?.copy() }
        let truth = Gradients.truth(network, images: images, labels: labels)
        let feedbackMatrices = trainer.learningRule.tapFeedback
        let jacobians = feedback && !feedbackMatrices.isEmpty
            ? try Jacobian.batchMean(network, images: images, cancellation: cancellation) : nil

        let taps = network.taps.indices.map { l -> AlignmentReport.TapRecord in
            let signal = trainer.rule == .bp ? truth.taps[l] : ruleSignals[l]
            let matrix = jacobians.map { Comparison(estimate: feedbackMatrices[l], truth: $0[l]) }
            return .init(index: l + 1, delta: signal.map { Comparison(estimate: $0, truth: truth.taps[l]) },
                         feedback: matrix)
        }
        let layers = network.layers.indices.compactMap { i -> AlignmentReport.LayerRecord? in
            guard !ruleGradients[i].isEmpty else { return nil }
            return .init(index: i + 1, description: network.layers[i].description,
                         gradient: Comparison(estimate: ruleGradients[i], truth: truth.layers[i]))
        }
        return AlignmentReport(rule: trainer.rule, loss: truth.loss, taps: taps, layers: layers)
    }
}
