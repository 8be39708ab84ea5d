import FDFAEngine

/// How well a trainer's rule follows backpropagation right now (SPEC §7).
public enum Alignment {
    /// Runs the first half of the rule's step (`computeGradients`) on `images` and compares its signals
    /// and parameter gradients with BP's on the same batch and parameters, and (with `feedback`) each
    /// B_l with the exact batch-mean Jacobian J_l (see `Jacobian` for the definition and its cost).
    ///
    /// Training is not disturbed: the rule's perturbations come from a generator seeded with `seed`,
    /// statistics are not updated, and `Isolation` restores the trainer's generator, perturbations and
    /// tangents. Take it between steps. Rethrows the rule's `DivergenceError` on a non-finite batch.
    ///
    /// BP's own δ_l is the truth by definition; FG-W has no signal at taps (its `delta` is nil).
    /// `cancellation` runs between the Jacobian's backward passes; what it throws stops the measurement.
    public static func measure(
        _ trainer: Trainer, images: Tensor, labels: [Int32], feedback: Bool = true, seed: UInt64 = 0,
        cancellation: () throws -> Void = {}
    ) throws -> AlignmentReport {
        let network = trainer.network
        return try Isolation.measure(network, trainer: trainer, seed: seed) {
            try trainer.computeGradients(images: images, labels: labels, updateStatistics: false)
            let ruleGradients = network.layers.map { $0.parameters.map { $0.grad.copy() } }
            let ruleSignals = trainer.signals.map { $0?.copy() }
            let truth = Gradients.truth(network, images: images, labels: labels)
            let feedbackMatrices = network.taps.map(\.feedback)
            let jacobians = feedback && feedbackMatrices.contains { $0 != nil }
                ? try Jacobian.batchMean(network, images: images, cancellation: cancellation) : nil

            let taps = network.taps.indices.map { l -> AlignmentReport.TapRecord in
                let signal = trainer.rule == .bp ? truth.taps[l] : ruleSignals[l]
                let matrix = jacobians.flatMap { j in feedbackMatrices[l].map { Comparison(estimate: $0, truth: j[l]) } }
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
}
