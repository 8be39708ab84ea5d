/// A learning rule: how the hidden layers get their training signal, with all the state that takes.
///
/// A rule owns its state — feedback matrices and their optimiser, the step's perturbations, its
/// signals δ_l — and nothing else holds it: layers and taps keep only their forward caches, and
/// perturbations reach the network's tangent pass as arguments (`seeds`). A `Trainer` composes one
/// rule with a network and Adam; two trainers on one network share its parameters and nothing more.
///
/// A step, as the trainer runs it: `perturb` (when `seeds` is non-nil), the forward pass, the
/// tangent pass with `seeds`, the loss, `computeGradients`, a finiteness check, then Adam on the
/// parameters and `applyUpdates`. Adding a rule: a type conforming to this protocol in its own file
/// under Rules/, and a case in `Rule` (the registry) naming it.
public protocol LearningRule: AnyObject {
    /// Throws a `RuleError` saying why the rule cannot train `network` with `hyperparameters`
    /// (a rule that needs taps on a network without any, a layer it cannot handle).
    static func check(_ network: Network, hyperparameters: Hyperparameters) throws
    /// Fresh state on `network` (already checked): feedback matrices, drawn from `rng` where random.
    init(network: Network, hyperparameters: Hyperparameters, rng: inout Random)

    /// The directions of the step's tangent pass, nil for a rule that runs none.
    var seeds: TangentSeeds? { get }
    /// Draws the step's perturbations into `seeds` for a batch of `batch` samples.
    func perturb(batch: Int, rng: inout Random)
    /// Throws unless `seeds` holds perturbations for a batch of `batch` (set by a caller instead of
    /// drawn: another implementation's draws in a parity test).
    func checkPerturbations(batch: Int) throws
    /// Fills every parameter's `grad` (and the rule's signals and feedback gradients) from
    /// e = dL/dlogits and the logits' tangent d (nil without a tangent pass). Returns whether all of
    /// them are known to be finite (a rule that checks as it goes); otherwise the trainer scans them.
    func computeGradients(error e: Tensor, outputTangent d: Tensor?) -> Bool
    /// The rule's own update, after Adam's on the parameters (the feedback matrices').
    func applyUpdates(outputTangent d: Tensor?)
    /// Passes changed settings on to the rule's own optimiser.
    func retune(_ hyperparameters: Hyperparameters)

    /// δ_l per tap from the last `computeGradients` (nil where the rule has none: BP, FG-W).
    var signals: [Tensor?] { get }
    /// B_l per tap (classes × tap width) for a rule that injects e B_l; empty otherwise.
    var tapFeedback: [Tensor] { get }
    /// The feedback matrices' gradients from the last `computeGradients` (DKP, FDFA with Adam).
    var feedbackGradients: [Tensor] { get }
    /// Adam over the feedback matrices, for a rule that trains them that way.
    var feedbackOptimizer: Adam? { get }
    /// The rule's state tensors under their checkpoint names (the live tensors, not copies).
    var stateTensors: [(name: String, tensor: Tensor)] { get }
    /// Names the first non-finite quantity among the rule's own (after the parameters' gradients).
    func firstNonFiniteQuantity() -> String?
}

extension LearningRule {
    public static func check(_ network: Network, hyperparameters: Hyperparameters) throws {}
    public var seeds: TangentSeeds? { nil }
    public func perturb(batch: Int, rng: inout Random) {}
    public func checkPerturbations(batch: Int) throws {}
    public func applyUpdates(outputTangent d: Tensor?) {}
    public func retune(_ hyperparameters: Hyperparameters) {}
    public var tapFeedback: [Tensor] { [] }
    public var feedbackGradients: [Tensor] { [] }
    public var feedbackOptimizer: Adam? { nil }
    public var stateTensors: [(name: String, tensor: Tensor)] { [] }
    public func firstNonFiniteQuantity() -> String? { nil }

    /// Throws unless `network` has a tap: `rule` injects its signals there, and without one it
    /// would silently be backpropagation.
    static func requireTaps(_ network: Network, _ rule: Rule) throws {
        guard network.taps.isEmpty else { return }
        throw RuleError("\(rule) injects its signal at the network's taps and this network has none, so it would "
                        + "train exactly as BP; add taps (fc(...) has them, or `tap` in a stack) or choose BP or FG-W")
    }
}

/// A rule that cannot train a network as set up, or a step it cannot take, with the reason.
public struct RuleError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
