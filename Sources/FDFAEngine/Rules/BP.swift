/// Backpropagation: every layer gets its true gradient; δ_l = dL/dh_l passes through the taps.
public final class BP: LearningRule {
    private let network: Network

    public init(network: Network, hyperparameters: Hyperparameters, rng: inout Random) {
        self.network = network
    }

    public func computeGradients(error e: Tensor, outputTangent d: Tensor?) -> Bool {
        network.backpropagate(e)
        return false
    }

    public var signals: [Tensor?] { Array(repeating: nil, count: network.taps.count) }
}
