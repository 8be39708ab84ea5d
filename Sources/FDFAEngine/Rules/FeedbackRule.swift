/// What the rules with a feedback matrix B_l per tap (DFA, DKP, FDFA) share: the matrices
/// (classes × tap width) and their signal δ_l = e B_l. Subclasses say how B_l starts and learns.
public class FeedbackRule: SignalRule {
    /// B_l for tap l at l − 1. The rule updates these very tensors; others change their values.
    public let tapFeedback: [Tensor]

    init(network: Network, feedback: [Tensor]) {
        tapFeedback = feedback
        super.init(network: network)
    }

    /// Zero matrices, one per tap (DKP and FDFA start from them).
    static func zeros(_ network: Network) -> [Tensor] {
        network.taps.map { Tensor(zeros: [network.classes, $0.width]) }
    }

    override func fillSignal(_ delta: Tensor, at tap: Tap, error e: Tensor, outputTangent d: Tensor?) {
        BLAS.gemm(e.data, tapFeedback[tap.index - 1].data, into: delta.data, m: e.batch, n: tap.width, k: e.valuesPerSample)
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        network.taps.map { ("tap\($0.index).feedback", tapFeedback[$0.index - 1]) }
    }
}

/// Adam over feedback matrices and the gradients it reads (DKP, FDFA in its reference form).
struct FeedbackOptimizer {
    let gradients: [Tensor]
    let adam: Adam

    init(_ matrices: [Tensor], _ hyperparameters: Hyperparameters) {
        gradients = matrices.map { Tensor(zeros: $0.shape) }
        adam = Adam(shapes: matrices.map(\.shape), learningRate: hyperparameters.feedbackLearningRate,
                    weightDecay: hyperparameters.feedbackDecay)
    }

    func retune(_ hyperparameters: Hyperparameters) {
        adam.learningRate = hyperparameters.feedbackLearningRate
        adam.weightDecay = hyperparameters.feedbackDecay
    }

    func update(_ matrices: [Tensor]) { adam.update(values: matrices, gradients: gradients) }

    /// Its moments under their checkpoint names.
    var stateTensors: [(name: String, tensor: Tensor)] {
        adam.moments.enumerated().flatMap { l, moment in
            [("feedback_adam.\(l + 1).m", moment.m), ("feedback_adam.\(l + 1).v", moment.v)]
        }
    }

    /// Names the first non-finite gradient.
    func firstNonFinite(_ network: Network) -> String? {
        zip(network.taps, gradients).first { !isFinite($0.1) }.map { "feedback gradient of \($0.0.description)" }
    }
}
