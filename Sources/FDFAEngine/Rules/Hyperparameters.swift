/// The knobs of a training run, with the reference implementation's defaults
/// (docs/reference.md#optimisation); a rule's own defaults are `Rule.defaultHyperparameters`.
public struct Hyperparameters: Equatable {
    /// Adam learning rate of the forward parameters (the reference's --lr).
    public var learningRate = Float(Reference.learningRate)
    /// Adam learning rate of the feedback matrices, DKP and FDFA (--b-lr).
    public var feedbackLearningRate = Float(Reference.feedbackLearningRate)
    /// L2 weight decay of the forward parameters (--weight-decay).
    public var weightDecay = Float(Reference.weightDecay)
    /// L2 weight decay of the feedback matrices (--feedback-decay; 1e-6 is recommended for DKP).
    public var feedbackDecay = Float(Reference.feedbackDecay)
    /// Learning-rate multiplier applied after every epoch (StepLR with step 1, --gamma).
    public var gamma = Float(Reference.gamma)
    /// How FDFA moves B_l toward the batch mean of d ⊗ u_l.
    public var feedbackUpdate: FeedbackUpdate = .adam

    public init() {}

    /// The reference's defaults as its command line has them: doubles, as Python parses its flags
    /// and `fdfa train` logs them (0.95, not float32's 0.949999988).
    public enum Reference {
        public static let learningRate = 1e-4
        public static let feedbackLearningRate = 1e-4
        public static let weightDecay = 0.0
        public static let feedbackDecay = 0.0
        public static let gamma = 0.95
    }

    /// FDFA's feedback update.
    public enum FeedbackUpdate: Equatable {
        /// The reference: Adam on the gradient B_l − mean(d ⊗ u_l), with the feedback learning rate.
        case adam
        /// The paper's momentum form: B_l ← β B_l + (1 − β) mean(d ⊗ u_l).
        case movingAverage(beta: Float)
    }
}
