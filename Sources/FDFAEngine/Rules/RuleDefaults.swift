/// What training with a rule uses unless told otherwise, decided here once for `fdfa train` and the
/// language alike: the reference's settings (docs/reference.md#optimisation), except FG-W's, which follow the script of its
/// paper (Baydin et al. 2022): a larger learning rate on a shallower network.
extension Rule {
    /// The reference's rule (its `--train-mode` default).
    public static let referenceDefault = Rule.fdfa

    /// The rule a new network trains with: the reference's where the network has taps; BP where it
    /// has none, since FDFA's signals enter at taps and it would train exactly as BP without them.
    public static func `default`(for network: Network) -> Rule {
        network.taps.isEmpty ? .bp : referenceDefault
    }

    /// The learning rate of the forward parameters: the reference's, 1e-3 for FG-W. A `Double`, as
    /// the command line parses and logs `--lr` (the log shows 0.001, not float32's 0.0010000000475).
    public var defaultLearningRate: Double { self == .fgw ? 1e-3 : Hyperparameters.Reference.learningRate }

    /// The hyperparameters a run of this rule starts with: the reference's, with the rule's learning rate.
    public var defaultHyperparameters: Hyperparameters {
        var h = Hyperparameters()
        h.learningRate = Float(defaultLearningRate)
        return h
    }

    /// Hidden blocks of the fully connected network this rule trains (`--n-layers`): 2 as the
    /// reference, 1 for FG-W.
    public var defaultHiddenLayers: Int { self == .fgw ? 1 : 2 }
}
