/// Trains a network with one learning rule: one call of `step` is one optimiser step on one batch.
///
/// The trainer composes three things and owns none of the others' state: the network (parameters,
/// BatchNorm's running statistics), the rule (`learningRule`: feedback matrices and their optimiser,
/// perturbations, signals) and Adam over the parameters. A step has two halves:
/// 1. `computeGradients`: the rule's perturbations, the forward pass (with its tangent, for FDFA,
///    FG-A and FG-W), the loss, and the rule's gradients;
/// 2. `applyUpdates`: Adam on the parameters, then the rule's own update.
/// A step is refused — a `DivergenceError` between the two halves — when the loss, a gradient or the
/// logits' tangent is not finite; a refused step changes no state: parameters, running statistics,
/// feedback matrices, optimiser moments and the generator are bit for bit what they were.
public final class Trainer {
    public let network: Network
    /// The rule's name in the registry.
    public let rule: Rule
    /// The rule with its state.
    public let learningRule: LearningRule
    /// The run's settings. Changing one passes it to the optimisers; the forward learning rate is
    /// passed on only when it changes, so retuning, say, the weight decay keeps the decayed rate.
    public var hyperparameters: Hyperparameters {
        didSet {
            if hyperparameters.learningRate != oldValue.learningRate {
                optimizer.learningRate = hyperparameters.learningRate
            }
            optimizer.weightDecay = hyperparameters.weightDecay
            learningRule.retune(hyperparameters)
        }
    }
    /// The generator of every random draw of training (perturbations; the data order is the loader's).
    public var rng: Random
    public let optimizer: Adam
    /// Whether each step draws its own perturbations. Set it to false to supply them yourself in the
    /// rule's `seeds` — another implementation's draws in a parity test — before each step.
    public var drawsPerturbations = true
    /// Steps taken so far (by `step`; measuring with `computeGradients` alone does not count).
    /// Settable, like `epochs`, so that a checkpoint can restore a run.
    public var steps = 0
    /// Epochs finished so far (each one multiplied the learning rate by gamma).
    public var epochs = 0
    /// When set, every step adds the time of each of its phases to it (`computeGradients` and
    /// `applyUpdates` called apart add theirs too; `measureGradients` does not).
    public var clock: StepClock?

    /// The rule's signal δ_l at each tap from the last `computeGradients` (nil for BP and FG-W).
    public var signals: [Tensor?] { learningRule.signals }
    /// Gradients of the feedback matrices from the last `computeGradients` (DKP, FDFA with Adam).
    public var feedbackGradients: [Tensor] { learningRule.feedbackGradients }
    /// Adam over the feedback matrices (DKP, and FDFA).
    public var feedbackOptimizer: Adam? { learningRule.feedbackOptimizer }
    /// The logits' tangent d from the last `computeGradients` (FDFA, FG-A, FG-W).
    public private(set) var outputTangent: Tensor?

    private let parameters: [Parameter]
    /// The tensors the optimisers update, gathered once so that a step builds no arrays.
    private let values: [Tensor], gradients: [Tensor]
    /// BatchNorm's running statistics with a copy taken before each forward pass that updates them,
    /// to put back when the step is refused.
    private let statistics: [(live: Tensor, saved: Tensor)]
    /// Whether a BatchNorm normalises features (its statistics then come from the batch alone).
    private let normalizesFeatures: Bool
    private var loss = SoftmaxCrossEntropy()

    public struct StepResult {
        public let loss: Float
        public let correct: Int
        public let batch: Int
    }

    /// Throws a `RuleError` when `rule` cannot train `network` with `hyperparameters`.
    public static func check(_ rule: Rule, on network: Network, hyperparameters: Hyperparameters) throws {
        try rule.type.check(network, hyperparameters: hyperparameters)
    }

    /// Sets up `rule` on `network` with fresh rule state (DFA's and FA's random feedback drawn from
    /// the generator seeded with `seed`; DKP's and FDFA's zero) and fresh optimiser state. Throws a
    /// `RuleError` when the rule cannot train this network.
    public init(network: Network, rule: Rule, hyperparameters: Hyperparameters = .init(), seed: UInt64) throws {
        try Self.check(rule, on: network, hyperparameters: hyperparameters)
        self.network = network
        self.rule = rule
        self.hyperparameters = hyperparameters
        rng = Random(seed: seed)
        learningRule = rule.type.init(network: network, hyperparameters: hyperparameters, rng: &rng)
        parameters = network.parameters
        values = parameters.map(\.value)
        gradients = parameters.map(\.grad)
        optimizer = Adam(shapes: parameters.map(\.value.shape), learningRate: hyperparameters.learningRate,
                         weightDecay: hyperparameters.weightDecay)
        let norms = network.layers.compactMap { $0 as? BatchNorm }
        statistics = norms.flatMap { bn in [bn.runningMean, bn.runningVariance].map { ($0, Tensor(zeros: $0.shape)) } }
        normalizesFeatures = norms.contains { $0.inputShape.count == 1 }
    }

    /// One training step: gradients, then updates. Throws `DivergenceError` (and changes nothing)
    /// if the loss, a gradient or the logits' tangent is not finite.
    @discardableResult
    public func step(images: Tensor, labels: [Int32]) throws -> StepResult {
        let result = try computeGradients(images: images, labels: labels)
        applyUpdates()
        steps += 1
        clock?.finishStep()
        return result
    }

    /// The first half of a step: fills every parameter's `grad`, `signals` and `feedbackGradients`,
    /// drawing the perturbations from `rng` and (unless `updateStatistics` is false) moving
    /// BatchNorm's running statistics. On a throw neither has moved.
    @discardableResult
    public func computeGradients(images: Tensor, labels: [Int32], updateStatistics: Bool = true) throws -> StepResult {
        let drawn = rng
        // Only a forward pass that updates the running statistics moves them, so only its step needs a copy.
        if updateStatistics { for (live, saved) in statistics { saved.assign(live) } }
        do {
            return try gradients(images: images, labels: labels, updateStatistics: updateStatistics, drawing: &rng,
                                 perturb: drawsPerturbations, clock: clock)
        } catch {
            rng = drawn
            if updateStatistics { for (live, saved) in statistics { live.assign(saved) } }
            throw error
        }
    }

    /// The first half of a step as a measurement: the perturbations come from `generator`, and
    /// neither the running statistics nor the trainer's generator move, nor the perturbations a
    /// caller supplied (`drawsPerturbations` false). What it leaves behind is what the next step
    /// rewrites before reading (gradients, signals, the rule's perturbation buffers), so a
    /// measurement between two steps does not change training.
    @discardableResult
    public func measureGradients(images: Tensor, labels: [Int32], drawing generator: inout Random) throws -> StepResult {
        let supplied = learningRule.seeds?.taps
        defer { if let supplied { learningRule.seeds?.taps = supplied } }
        return try gradients(images: images, labels: labels, updateStatistics: false, drawing: &generator, perturb: true,
                             clock: nil)
    }

    private func gradients(images: Tensor, labels: [Int32], updateStatistics: Bool,
                           drawing generator: inout Random, perturb: Bool, clock: StepClock?) throws -> StepResult {
        clock?.start()
        let batch = images.batch, number = steps + 1
        if batch < 2, normalizesFeatures {
            throw RuleError("a batch of 1 in training mode with BatchNorm over features: every normalised value is 0, "
                            + "so every gradient below it would be 0; use a batch of 2 or more")
        }
        if learningRule.seeds != nil {
            if perturb { learningRule.perturb(batch: batch, rng: &generator) } else { try learningRule.checkPerturbations(batch: batch) }
        }
        clock?.lap(.perturbations)
        let logits = network.forward(images, mode: .training(updateStatistics: updateStatistics))
        clock?.lap(.forward)
        outputTangent = learningRule.seeds.flatMap { network.tangent(nil, seeds: $0) }
        clock?.lap(.tangent)
        let result = loss.evaluate(logits: logits, labels: labels)
        guard result.loss.isFinite else { throw DivergenceError(step: number, quantity: "loss (\(result.loss))") }
        if let d = outputTangent, !isFinite(d) { throw DivergenceError(step: number, quantity: "tangent of the logits") }
        clock?.lap(.loss)
        let checkedFinite = learningRule.computeGradients(error: result.error, outputTangent: outputTangent)
        if !checkedFinite, let bad = firstNonFiniteGradient() { throw DivergenceError(step: number, quantity: bad) }
        clock?.lap(.gradients)
        return StepResult(loss: result.loss, correct: result.correct, batch: batch)
    }

    /// The second half of a step: Adam on the parameters, then the rule's own update.
    public func applyUpdates() {
        clock?.start()
        optimizer.update(values: values, gradients: gradients)
        clock?.lap(.update)
        learningRule.applyUpdates(outputTangent: outputTangent)
        clock?.lap(.ruleUpdate)
    }

    /// Ends an epoch: the learning rate of the forward parameters is multiplied by gamma (StepLR).
    public func finishEpoch() {
        epochs += 1
        optimizer.learningRate *= hyperparameters.gamma
    }

    /// Loss and correct count of a batch in evaluation mode (BatchNorm's running statistics).
    public func evaluate(images: Tensor, labels: [Int32]) -> StepResult {
        let r = evaluate(images: images, labels: labels, groupSize: images.batch)
        return StepResult(loss: Float(r.sumOfGroupMeans), correct: r.correct, batch: images.batch)
    }

    /// Evaluation mode over a batch that stands for several: the batch-mean losses of its groups of
    /// `groupSize` consecutive samples, added up, and the correct count (see
    /// `SoftmaxCrossEntropy.groupedLoss`). One large forward pass runs closer to the GEMM's peak
    /// than many small ones and gives the same numbers.
    public func evaluate(images: Tensor, labels: [Int32], groupSize: Int) -> (sumOfGroupMeans: Double, groups: Int, correct: Int) {
        loss.groupedLoss(logits: network.forward(images, mode: .evaluation), labels: labels, groupSize: groupSize)
    }

    /// Names the first non-finite gradient, parameters first (from the input up), then the rule's own.
    private func firstNonFiniteGradient() -> String? {
        for (i, layer) in network.layers.enumerated() {
            for p in layer.parameters where !isFinite(p.grad) {
                return "gradient of layer \(i + 1), \(layer.description), \(p.name)"
            }
        }
        return learningRule.firstNonFiniteQuantity()
    }
}
