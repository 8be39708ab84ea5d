import XCTest
@testable import FDFAEngine

/// Rules as types owning their state: refused steps change nothing, rules refuse networks they cannot
/// train, trainers on one network keep their own state, and feedback alignment (FA).
final class LearningRuleTests: XCTestCase {
    /// The smallNet of `RuleTests` with BatchNorm after each hidden linear layer.
    static func batchNormNet(seed: UInt64 = 1) -> Network {
        let specs: [LayerSpec] = [.linear(outputs: 5), .batchNorm, .relu, .tap, .linear(outputs: 4), .batchNorm, .relu, .tap,
                                  .linear(outputs: 3)]
        return try! Network(inputShape: [6], specs: specs, seed: seed)
    }

    /// Every tensor a trainer carries from step to step, and its generator's and step counters.
    static func state(_ trainer: Trainer) -> [[Float]] {
        let net = trainer.network
        let statistics = net.layers.compactMap { $0 as? BatchNorm }.flatMap { [$0.runningMean.array, $0.runningVariance.array] }
        let moments = trainer.optimizer.moments.flatMap { [$0.m.array, $0.v.array] }
        return net.parameters.map(\.value.array) + statistics + moments + trainer.learningRule.stateTensors.map(\.tensor.array)
            + [[Float(trainer.rng.counter), Float(trainer.steps), Float(trainer.optimizer.steps),
                Float(trainer.feedbackOptimizer?.steps ?? 0), trainer.optimizer.learningRate]]
    }

    /// Bitwise equality, NaN included.
    static func identical(_ a: [[Float]], _ b: [[Float]]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern } }
    }

    /// lr = 1e30 makes the second or a later step diverge; the refused step leaves every tensor and
    /// counter as it was (issue 20: BatchNorm's running variance and the generator moved before),
    /// whether its forward pass updates the running statistics (a training step) or not.
    func testARefusedStepChangesNoState() throws {
        for (rule, update) in [(Rule.fdfa, Hyperparameters.FeedbackUpdate.adam), (.fdfa, .movingAverage(beta: 0.5)),
                               (.dkp, .adam), (.fga, .adam), (.bp, .adam), (.fa, .adam)] {
            for updateStatistics in [true, false] {
                var hp = Hyperparameters()
                hp.learningRate = 1e30
                hp.feedbackLearningRate = 1e30
                hp.feedbackUpdate = update
                let trainer = try Trainer(network: Self.batchNormNet(), rule: rule, hyperparameters: hp, seed: 3)
                let (x, labels) = RuleTests.problem(samples: 8)
                var refused = 0
                for _ in 0 ..< 6 {
                    let before = Self.state(trainer)
                    do {
                        if updateStatistics {
                            try trainer.step(images: x, labels: labels)
                        } else {
                            try trainer.computeGradients(images: x, labels: labels, updateStatistics: false)
                            trainer.applyUpdates()
                        }
                    } catch let error as DivergenceError {
                        refused += 1
                        XCTAssertTrue(Self.identical(before, Self.state(trainer)),
                                      "\(rule) \(update) updateStatistics \(updateStatistics): the refused step (\(error)) changed state")
                    }
                }
                XCTAssertGreaterThan(refused, 0, "\(rule) \(update): no step was refused at lr 1e30")
            }
        }
    }

    func testRulesThatInjectAtTapsRefuseANetworkWithoutTaps() throws {
        let net = try Network(inputShape: [4], specs: [.linear(outputs: 2)], seed: 1)
        var ema = Hyperparameters()
        ema.feedbackUpdate = .movingAverage(beta: 0.5)
        for rule in [Rule.dfa, .dkp, .fdfa, .fga] {
            for hp in [Hyperparameters(), ema] {
                XCTAssertThrowsError(try Trainer(network: net, rule: rule, hyperparameters: hp, seed: 1)) { error in
                    XCTAssertTrue(error is RuleError && "\(error)".contains("no") && "\(error)".contains("taps"), "\(rule): \(error)")
                }
            }
        }
        for rule in [Rule.bp, .fgw, .fa] {
            let trainer = try Trainer(network: net, rule: rule, seed: 1)
            try trainer.step(images: Tensor(shape: [2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8]), labels: [0, 1])
            XCTAssertEqual(trainer.steps, 1)
        }
    }

    func testTwoConsecutiveTapsAreRefused() {
        XCTAssertThrowsError(try Network(inputShape: [4], specs: [.linear(outputs: 3), .tap, .tap, .linear(outputs: 2)], seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("layer 3") && "\(error)".contains("tap directly after a tap"), "\(error)")
        }
    }

    func testBatchNormOverFeaturesRefusesABatchOfOne() throws {
        let trainer = try Trainer(network: Self.batchNormNet(), rule: .fdfa, seed: 1)
        let (x, labels) = RuleTests.problem(samples: 1)
        let before = Self.state(trainer)
        XCTAssertThrowsError(try trainer.step(images: x, labels: labels)) { error in
            XCTAssertTrue(error is RuleError && "\(error)".contains("batch of 1"), "\(error)")
        }
        XCTAssertTrue(Self.identical(before, Self.state(trainer)))
        // Without BatchNorm a batch of one is an ordinary step.
        try Trainer(network: RuleTests.smallNet(), rule: .fdfa, seed: 1).step(images: x, labels: labels)
    }

    /// Each trainer owns its rule's state: a second trainer on the same network, created and stepped,
    /// leaves the first one's feedback matrices and generator alone, and the first one's next step
    /// is the step it would have taken without the second.
    func testTwoTrainersOnOneNetworkDoNotOverwriteEachOther() throws {
        let (x, labels) = RuleTests.problem(samples: 8)
        func firstTrainerStep(withSecond: Bool) throws -> ([[Float]], [[Float]]) {
            let net = Self.batchNormNet()
            let dfa = try Trainer(network: net, rule: .dfa, seed: 1)
            let feedback = dfa.learningRule.tapFeedback.map(\.array)
            if withSecond {
                let fdfa = try Trainer(network: net, rule: .fdfa, seed: 2)
                try fdfa.computeGradients(images: x, labels: labels, updateStatistics: false)
                XCTAssertNotEqual(fdfa.learningRule.tapFeedback.map(\.array), feedback)
                XCTAssertTrue(zip(fdfa.learningRule.tapFeedback, dfa.learningRule.tapFeedback).allSatisfy { $0 !== $1 })
            }
            XCTAssertEqual(dfa.learningRule.tapFeedback.map(\.array), feedback)
            try dfa.computeGradients(images: x, labels: labels)
            return (net.parameters.map(\.grad.array), dfa.signals.map { $0!.array })
        }
        let alone = try firstTrainerStep(withSecond: false), shared = try firstTrainerStep(withSecond: true)
        XCTAssertEqual(alone.0, shared.0)
        XCTAssertEqual(alone.1, shared.1)
    }

    /// A measurement draws its own perturbations and leaves the rule's generator, the running
    /// statistics and perturbations a caller supplied as they were.
    func testMeasuringLeavesTheRuleAlone() throws {
        let (x, labels) = RuleTests.problem(samples: 8)
        let trainer = try Trainer(network: Self.batchNormNet(), rule: .fdfa, seed: 1)
        try trainer.step(images: x, labels: labels)
        trainer.drawsPerturbations = false
        var rng = Random(seed: 9)
        let supplied = trainer.network.taps.map { LayerCheck.normal([8] + $0.inputShape, &rng) }
        trainer.learningRule.seeds!.taps = supplied
        let before = Self.state(trainer), copies = supplied.map(\.array)
        var generator = Random(seed: 4)
        try trainer.measureGradients(images: x, labels: labels, drawing: &generator)
        XCTAssertGreaterThan(generator.counter, 0, "the measurement drew from its own generator")
        XCTAssertTrue(Self.identical(before, Self.state(trainer)))
        XCTAssertTrue(zip(trainer.learningRule.seeds!.taps, supplied).allSatisfy { $0 === $1 })
        XCTAssertEqual(supplied.map(\.array), copies)
    }

    /// Every rule in the registry names a type that reports it back through a trainer.
    func testTheRegistryBuildsEveryRule() throws {
        for rule in Rule.allCases {
            let trainer = try Trainer(network: RuleTests.smallNet(), rule: rule, seed: 1)
            XCTAssertEqual(trainer.rule, rule)
            XCTAssertTrue(type(of: trainer.learningRule) == rule.type)
            XCTAssertEqual(Rule(name: rule.rawValue.lowercased()), rule)
        }
    }

    // MARK: Feedback alignment

    /// With every B_i set to W_i, FA's backward pass is BP's: the same gradients, bit for bit, also
    /// under BatchNorm, and its signals are BP's δ_l.
    func testFeedbackAlignmentWithTheWeightsIsBackpropagation() throws {
        let (x, labels) = RuleTests.problem(samples: 8)
        let net = Self.batchNormNet()
        let bp = try Trainer(network: net, rule: .bp, seed: 1)
        try bp.computeGradients(images: x, labels: labels, updateStatistics: false)
        let truth = net.parameters.map(\.grad.array)
        var deltas: [[Float]] = []
        net.backpropagate(try XCTUnwrap(Self.error(net, x, labels))) { _, g in deltas.insert(g.array, at: 0) }

        let fa = try Trainer(network: net, rule: .fa, seed: 1)
        let matrices = try XCTUnwrap(fa.learningRule as? FA).layerFeedback
        XCTAssertEqual(matrices.compactMap { $0 }.count, 3, "one B per Linear")
        for (layer, b) in zip(net.layers, matrices) { if let b { b.assign((layer as! Linear).weight.value) } }
        try fa.computeGradients(images: x, labels: labels, updateStatistics: false)
        XCTAssertEqual(net.parameters.map(\.grad.array), truth)
        XCTAssertEqual(fa.signals.map { $0!.array }, deltas)
    }

    /// x (1 × 2) → Linear W1 (2 × 2) → Linear W2 (2 × 2) → logits, with B2 in place of W2 on the way down:
    /// dW2 = eᵀ h1 (the true one), dx1 = e B2 (not e W2), dW1 = (e B2)ᵀ x, db1 = e B2.
    func testFeedbackAlignmentWorkedByHand() throws {
        let net = try Network(inputShape: [2], specs: [.linear(outputs: 2), .linear(outputs: 2)], seed: 1)
        let first = net.layers[0] as! Linear, second = net.layers[1] as! Linear
        first.weight.value.assign(Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
        first.bias.value.fill(0)
        second.weight.value.assign(Tensor(shape: [2, 2], values: [1, 0, 0, 1]))
        second.bias.value.fill(0)
        let trainer = try Trainer(network: net, rule: .fa, seed: 1)
        let rule = try XCTUnwrap(trainer.learningRule as? FA)
        rule.layerFeedback[1]!.assign(Tensor(shape: [2, 2], values: [0, 1, 1, 0]))   // B2 swaps the two errors
        let x = Tensor(shape: [1, 2], values: [1, -1])
        try trainer.computeGradients(images: x, labels: [0])
        // h1 = x W1ᵀ = [1·1 + 2·(−1), 3·1 + 4·(−1)] = [−1, −1]; logits = h1 (W2 = I): softmax [½, ½];
        // e = softmax − onehot(0) = [−½, ½].
        XCTAssertEqual(second.weight.grad.array, [0.5, 0.5, -0.5, -0.5])   // eᵀ h1
        XCTAssertEqual(second.bias.grad.array, [-0.5, 0.5])
        // e B2 = [−½, ½] [[0, 1], [1, 0]] = [½, −½]  (BP would pass e W2 = [−½, ½]).
        XCTAssertEqual(first.bias.grad.array, [0.5, -0.5])
        XCTAssertEqual(first.weight.grad.array, [0.5, -0.5, -0.5, 0.5])    // (e B2)ᵀ x
        // The fixed matrices do not move when the parameters do.
        let b = rule.layerFeedback.map { $0?.array }
        trainer.applyUpdates()
        XCTAssertEqual(rule.layerFeedback.map { $0?.array }, b)
        XCTAssertNotEqual(second.weight.value.array, [1, 0, 0, 1])
    }

    func testFeedbackAlignmentRefusesConvolutions() throws {
        let net = try Network.shallowCNN(input: [1, 12, 12], classes: 3, seed: 1)
        XCTAssertThrowsError(try Trainer(network: net, rule: .fa, seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("layer 1") && "\(error)".contains("convolution"), "\(error)")
        }
    }

    private static func error(_ net: Network, _ x: Tensor, _ labels: [Int32]) -> Tensor {
        var loss = SoftmaxCrossEntropy()
        return loss.evaluate(logits: net.forward(x, mode: .training(updateStatistics: false)), labels: labels).error.copy()
    }
}
