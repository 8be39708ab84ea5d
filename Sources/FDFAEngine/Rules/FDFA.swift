/// Forward Direct Feedback Alignment (Bacho & Chu 2024): δ_l = e B_l, with B_l starting at zero and
/// moved toward the batch mean of d ⊗ u_l, where u_l is a perturbation drawn at tap l and d the
/// logits' tangent it causes (one forward pass carries both). Two forms (`Hyperparameters.feedbackUpdate`):
/// - Adam (the reference): gradient ∇B_l = B_l − (1/B) dᵀ u_l, with the feedback learning rate;
/// - moving average (the paper): B_l ← β B_l + (1 − β) (1/B) dᵀ u_l.
public final class FDFA: FeedbackRule, LearningRule {
    private var perturbations: TapPerturbations
    private let optimizer: FeedbackOptimizer
    private var update: Hyperparameters.FeedbackUpdate

    public static func check(_ network: Network, hyperparameters: Hyperparameters) throws {
        try requireTaps(network, .fdfa)
    }

    public init(network: Network, hyperparameters: Hyperparameters, rng: inout Random) {
        let matrices = Self.zeros(network)
        perturbations = TapPerturbations(network)
        optimizer = FeedbackOptimizer(matrices, hyperparameters)
        update = hyperparameters.feedbackUpdate
        super.init(network: network, feedback: matrices)
    }

    public var seeds: TangentSeeds? { perturbations.seeds }
    public func perturb(batch: Int, rng: inout Random) { perturbations.draw(batch: batch, rng: &rng) }
    public func checkPerturbations(batch: Int) throws { try perturbations.check(batch: batch) }

    override func computeFeedbackGradient(at tap: Tap, error e: Tensor, outputTangent d: Tensor?) -> Tensor? {
        guard update == .adam else { return nil }
        let grad = optimizer.gradients[tap.index - 1], batch = e.batch
        grad.assign(tapFeedback[tap.index - 1])
        BLAS.gemm(d!.data, transposeA: true, perturbations(tap).data, into: grad.data,
                  m: e.valuesPerSample, n: tap.width, k: batch, alpha: -1 / Float(batch), beta: 1)
        return grad
    }

    public func applyUpdates(outputTangent d: Tensor?) {
        switch update {
        case .adam:
            optimizer.update(tapFeedback)
        case .movingAverage(let beta):
            let d = d!, batch = d.batch
            for tap in network.taps {
                BLAS.gemm(d.data, transposeA: true, perturbations(tap).data, into: tapFeedback[tap.index - 1].data,
                          m: d.valuesPerSample, n: tap.width, k: batch, alpha: (1 - beta) / Float(batch), beta: beta)
            }
        }
    }

    public func retune(_ hyperparameters: Hyperparameters) {
        optimizer.retune(hyperparameters)
        update = hyperparameters.feedbackUpdate
    }

    public var feedbackGradients: [Tensor] { optimizer.gradients }
    public var feedbackOptimizer: Adam? { optimizer.adam }
    public override var stateTensors: [(name: String, tensor: Tensor)] { super.stateTensors + optimizer.stateTensors }

    public func firstNonFiniteQuantity() -> String? { optimizer.firstNonFinite(network) }
}
