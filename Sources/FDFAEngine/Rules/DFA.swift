/// Direct Feedback Alignment (Nøkland 2016): δ_l = e B_l, with B_l fixed and random,
/// kaiming-uniform in ±sqrt(6/n_l) (n_l: the tap's width).
public final class DFA: FeedbackRule, LearningRule {
    public static func check(_ network: Network, hyperparameters: Hyperparameters) throws {
        try requireTaps(network, .dfa)
    }

    public init(network: Network, hyperparameters: Hyperparameters, rng: inout Random) {
        let matrices = Self.zeros(network)
        for (tap, b) in zip(network.taps, matrices) {
            let bound = (6 / Float(tap.width)).squareRoot()
            rng.fillUniform(b, low: -bound, high: bound)
        }
        super.init(network: network, feedback: matrices)
    }
}
