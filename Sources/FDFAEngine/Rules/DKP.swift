/// Direct Kolen–Pollack (Webster et al. 2021): δ_l = e B_l, with B_l starting at zero and trained by
/// Adam on the gradient ∇B_l = eᵀ h_l (h_l: the tap's input of the step).
public final class DKP: FeedbackRule, LearningRule {
    private let optimizer: FeedbackOptimizer

    public static func check(_ network: Network, hyperparameters: Hyperparameters) throws {
        try requireTaps(network, .dkp)
    }

    public init(network: Network, hyperparameters: Hyperparameters, rng: inout Random) {
        let matrices = Self.zeros(network)
        optimizer = FeedbackOptimizer(matrices, hyperparameters)
        super.init(network: network, feedback: matrices)
    }

    override func computeFeedbackGradient(at tap: Tap, error e: Tensor, outputTangent d: Tensor?) -> Tensor? {
        let grad = optimizer.gradients[tap.index - 1]
        BLAS.gemm(e.data, transposeA: true, tap.lastInput!.data, into: grad.data, m: e.valuesPerSample, n: tap.width, k: e.batch)
        return grad
    }

    public func applyUpdates(outputTangent d: Tensor?) { optimizer.update(tapFeedback) }
    public func retune(_ hyperparameters: Hyperparameters) { optimizer.retune(hyperparameters) }
    public var feedbackGradients: [Tensor] { optimizer.gradients }
    public var feedbackOptimizer: Adam? { optimizer.adam }
    public override var stateTensors: [(name: String, tensor: Tensor)] { super.stateTensors + optimizer.stateTensors }
    public func firstNonFiniteQuantity() -> String? { optimizer.firstNonFinite(network) }
}
