/// Trains a network with one learning rule: one call of `step` is one optimiser step on one batch.
///
/// A step has two halves, usable apart (the analysis measures the first without taking the second):
/// 1. `computeGradients`: the forward pass (with its tangent, for FDFA, FG-A and FG-W), the loss, the
///    rule's signals δ_l at the taps, every parameter's gradient and the feedback matrices' gradients;
/// 2. `applyUpdates`: Adam on the parameters, the feedback update on the B_l.
/// A non-finite loss or gradient throws a `DivergenceError` between the two, so nothing is updated.
public final class Trainer {
    public let network: Network
    public let rule: Rule
    /// The run's settings. Changing one passes it to the optimisers; the forward learning rate is
    /// passed on only when it changes, so retuning, say, the weight decay keeps the decayed rate.
    public var hyperparameters: Hyperparameters {
        didSet {
            if hyperparameters.learningRate != oldValue.learningRate {
                optimizer.learningRate = hyperparameters.learningRate
            }
            optimizer.weightDecay = hyperparameters.weightDecay
            feedbackOptimizer?.learningRate = hyperparameters.feedbackLearningRate
            feedbackOptimizer?.weightDecay = hyperparameters.feedbackDecay
        }
    }
    /// The generator of every random draw of training (perturbations; the data order is the loader's).
    public var rng: Random
    public let optimizer: Adam
    /// Adam over the feedback matrices (DKP, and FDFA in its reference form).
    public let feedbackOptimizer: Adam?
    /// Whether each step draws its own perturbations: u_l at the taps (FDFA, FG-A) and the direction
    /// v in the parameters' tangents (FG-W). Set it to false to supply them yourself — another
    /// implementation's draws in a parity test, or a fixed u in a lesson — before each step.
    public var drawsPerturbations = true
    /// Steps taken so far (by `step`; measuring with `computeGradients` alone does not count).
    /// Settable, like `epochs`, so that a checkpoint can restore a run.
    public var steps = 0
    /// Epochs finished so far (each one multiplied the learning rate by gamma).
    public var epochs = 0

    /// The rule's signal δ_l at each tap from the last `computeGradients` (nil for BP and FG-W).
    public var signals: [Tensor?] { network.taps.map(\.signal) }
    /// Gradients of the feedback matrices from the last `computeGradients` (DKP, FDFA with Adam).
    public let feedbackGradients: [Tensor]
    /// The logits' tangent d from the last `computeGradients` (FDFA, FG-A, FG-W).
    public private(set) var outputTangent: Tensor?

    private let parameters: [Parameter]
    /// The tensors the optimisers update, gathered once so that a step builds no arrays.
    private let values: [Tensor], gradients: [Tensor]
    private var feedbackMatrices: [Tensor] = []
    private var loss = SoftmaxCrossEntropy()
    private let backwardSegments: BackwardSegments

    public struct StepResult {
        public let loss: Float
        public let correct: Int
        public let batch: Int
    }

    /// Sets up `rule` on `network`: fresh feedback matrices where the rule has them (DFA: fixed,
    /// kaiming-uniform in ±sqrt(6/n_l); DKP and FDFA: zeros), fresh optimiser state, no perturbations.
    public init(network: Network, rule: Rule, hyperparameters: Hyperparameters = .init(), seed: UInt64) {
        self.network = network
        self.rule = rule
        self.hyperparameters = hyperparameters
        rng = Random(seed: seed)
        parameters = network.parameters
        values = parameters.map(\.value)
        gradients = parameters.map(\.grad)
        optimizer = Adam(shapes: parameters.map(\.value.shape), learningRate: hyperparameters.learningRate,
                         weightDecay: hyperparameters.weightDecay)
        let k = network.classes
        for tap in network.taps {
            tap.perturbation = nil
            tap.feedback = nil
            tap.signal = nil
            guard rule.usesFeedback else { continue }
            let b = Tensor(zeros: [k, tap.width])
            if rule == .dfa {
                let bound = (6 / Float(tap.width)).squareRoot()
                rng.fillUniform(b, low: -bound, high: bound)
            }
            tap.feedback = b
            feedbackMatrices.append(b)
        }
        feedbackGradients = rule.trainsFeedback ? network.taps.map { Tensor(zeros: [k, $0.width]) } : []
        feedbackOptimizer = rule.trainsFeedback
            ? Adam(shapes: feedbackGradients.map(\.shape), learningRate: hyperparameters.feedbackLearningRate,
                   weightDecay: hyperparameters.feedbackDecay)
            : nil
        for p in parameters { p.tangent = rule == .fgw ? Tensor(zeros: p.value.shape) : nil }
        backwardSegments = BackwardSegments(network)
    }

    /// One training step: gradients, then updates. Throws `DivergenceError` (and updates nothing) if
    /// the loss or a gradient is not finite.
    @discardableResult
    public func step(images: Tensor, labels: [Int32]) throws -> StepResult {
        let result = try computeGradients(images: images, labels: labels)
        applyUpdates()
        steps += 1
        return result
    }

    /// The first half of a step: fills every parameter's `grad`, `signals` and `feedbackGradients`.
    /// `updateStatistics: false` leaves BatchNorm's running estimates untouched (for measurements);
    /// the perturbations are drawn from `rng`, which a measurement may swap out and restore.
    @discardableResult
    public func computeGradients(images: Tensor, labels: [Int32], updateStatistics: Bool = true) throws -> StepResult {
        let batch = images.batch, number = steps + 1
        if drawsPerturbations {
            if rule.perturbsActivities {
                for tap in network.taps { tap.perturb(batch: batch, rng: &rng) }
            }
            if rule == .fgw {
                for p in parameters { rng.fillNormal(p.tangent!) }
            }
        } else if rule.perturbsActivities {
            for tap in network.taps {
                precondition(tap.perturbation?.shape == [batch] + tap.inputShape,
                             "\(tap.description): set a perturbation of shape \([batch] + tap.inputShape) before the step")
            }
        }
        let logits = network.forward(images, mode: .training(updateStatistics: updateStatistics))
        outputTangent = rule.perturbsActivities || rule == .fgw ? network.tangent(nil) : nil
        let result = loss.evaluate(logits: logits, labels: labels)
        guard result.loss.isFinite else { throw DivergenceError(step: number, quantity: "loss (\(result.loss))") }
        let e = result.error
        let checkedFinite: Bool   // the rules with signals check their gradients segment by segment
        switch rule {
        case .bp:
            network.backpropagate(e)
            checkedFinite = false
        case .fgw:
            forwardGradient(e: e)
            checkedFinite = false
        case .dfa, .dkp, .fdfa, .fga:
            checkedFinite = backpropagateWithSignals(e: e)
        }
        if !checkedFinite, let bad = firstNonFiniteGradient() { throw DivergenceError(step: number, quantity: bad) }
        return StepResult(loss: result.loss, correct: result.correct, batch: batch)
    }

    /// The second half of a step: Adam on the parameters, then the feedback update.
    public func applyUpdates() {
        optimizer.update(values: values, gradients: gradients)
        switch (rule, hyperparameters.feedbackUpdate) {
        case (.fdfa, .movingAverage(let beta)):
            movingAverageFeedback(beta: beta)
        case (.dkp, _), (.fdfa, .adam):
            feedbackOptimizer!.update(values: feedbackMatrices, gradients: feedbackGradients)
        default:
            break
        }
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

    // MARK: The rules' backward passes

    /// Backward pass in which every tap replaces the gradient from above with the rule's signal,
    /// segment by segment (see `BackwardSegments`), each with its feedback gradient and the
    /// finiteness check of its gradients. Returns whether every gradient is finite. A layer is asked
    /// for its input gradient only when a layer with parameters below uses it before a tap would
    /// discard it.
    private func backpropagateWithSignals(e: Tensor) -> Bool {
        let layers = network.layers, segments = backwardSegments.segments
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: segments.count) { finite in
            backwardSegments.forEach { s in
                let segment = segments[s]
                var g: Tensor? = segment.tap.map { signal(at: $0, e: e) } ?? e
                for i in segment.layers.reversed() {
                    guard let dy = g else { break } // nothing below needs it (a leading flatten)
                    g = layers[i].adjoint(dy, needInputGradient: network.needsGradient(below: i, tapsReplaceIt: true))
                }
                var ok = segment.gradients.allSatisfy(isFinite)
                if let tap = segment.tap, computeFeedbackGradient(at: tap, e: e) {
                    ok = ok && isFinite(feedbackGradients[tap.index - 1])
                }
                finite[s] = ok
            }
            return finite.allSatisfy { $0 }
        }
    }

    /// δ_l at `tap`: e B_l (DFA, DKP, FDFA) or (e_i · d_i) u_l,i per sample (FG-A).
    private func signal(at tap: Tap, e: Tensor) -> Tensor {
        let batch = e.batch, k = e.sampleCount, n = tap.width
        let delta = tap.newSignal(batch: batch)
        if rule == .fga {
            let d = outputTangent!, u = tap.perturbation!
            for i in 0 ..< batch {
                let s = BLAS.dot(e.data + i * k, d.data + i * k, count: k)
                let src = u.data + i * n, dst = delta.data + i * n
                for j in 0 ..< n { dst[j] = s * src[j] }
            }
        } else {
            BLAS.gemm(e.data, tap.feedback!.data, into: delta.data, m: batch, n: n, k: k)
        }
        return delta
    }

    /// FG-W: every parameter's gradient is (∇L · v) v, where v is the joint direction drawn into the
    /// parameters' tangents and ∇L · v = Σ_i e_i · d_i is the loss's directional derivative.
    private func forwardGradient(e: Tensor) {
        let d = outputTangent!
        let directional = BLAS.dot(e.data, d.data, count: e.count)
        for p in parameters {
            let v = p.tangent!.data, g = p.grad.data
            for j in 0 ..< p.grad.count { g[j] = directional * v[j] }
        }
    }

    /// DKP: ∇B_l = eᵀ h_l.  FDFA (Adam form): ∇B_l = B_l − (1/B) dᵀ u_l. Returns whether the rule
    /// has such a gradient (FDFA's moving-average form updates B_l directly instead).
    private func computeFeedbackGradient(at tap: Tap, e: Tensor) -> Bool {
        guard rule.trainsFeedback, !(rule == .fdfa && hyperparameters.feedbackUpdate != .adam) else { return false }
        let batch = e.batch, k = e.sampleCount, grad = feedbackGradients[tap.index - 1]
        if rule == .dkp {
            BLAS.gemm(e.data, transposeA: true, tap.lastInput!.data, into: grad.data, m: k, n: tap.width, k: batch)
        } else {
            grad.assign(tap.feedback!)
            BLAS.gemm(outputTangent!.data, transposeA: true, tap.perturbation!.data, into: grad.data,
                      m: k, n: tap.width, k: batch, alpha: -1 / Float(batch), beta: 1)
        }
        return true
    }

    /// FDFA (paper form): B_l ← β B_l + (1 − β) (1/B) dᵀ u_l.
    private func movingAverageFeedback(beta: Float) {
        let d = outputTangent!, batch = d.batch, k = d.sampleCount
        for tap in network.taps {
            BLAS.gemm(d.data, transposeA: true, tap.perturbation!.data, into: tap.feedback!.data,
                      m: k, n: tap.width, k: batch, alpha: (1 - beta) / Float(batch), beta: beta)
        }
    }

    /// Names the first non-finite gradient, parameters first (from the input up), then feedback.
    private func firstNonFiniteGradient() -> String? {
        for (i, layer) in network.layers.enumerated() {
            for p in layer.parameters where !isFinite(p.grad) {
                return "gradient of layer \(i + 1), \(layer.description), \(p.name)"
            }
        }
        for (tap, g) in zip(network.taps, feedbackGradients) where !isFinite(g) {
            return "feedback gradient of \(tap.description)"
        }
        return nil
    }
}
