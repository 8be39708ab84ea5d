import XCTest
@testable import FDFAEngine

/// The learning rules against quantities computed independently, on small networks.
final class RuleTests: XCTestCase {
    /// flatten → (linear → relu → tap) per width → linear: the fc preset's shape, without BatchNorm
    /// (so that these tests hold whichever layers exist; BatchNorm variants live beside BatchNorm).
    static func smallNet(input: Int = 6, hidden: [Int] = [5, 4], classes: Int = 3, seed: UInt64 = 1) -> Network {
        var specs: [LayerSpec] = []
        for h in hidden { specs += [.linear(outputs: h), .relu, .tap] }
        return try! Network(inputShape: [input], specs: specs + [.linear(outputs: classes)], seed: seed)
    }

    /// A separable problem: x ~ N(0, I), label = argmax of a fixed linear map of x.
    static func problem(samples: Int, input: Int = 6, classes: Int = 3, seed: UInt64 = 99) -> (Tensor, [Int32]) {
        var rng = Random(seed: seed)
        let x = LayerCheck.normal([samples, input], &rng)
        let w = LayerCheck.normal([classes, input], &rng)
        let labels = (0 ..< samples).map { i -> Int32 in
            let scores = (0 ..< classes).map { c in (0 ..< input).reduce(Float(0)) { $0 + w.data[c * input + $1] * x.data[i * input + $1] } }
            return Int32(scores.indices.max { scores[$0] < scores[$1] }!)
        }
        return (x, labels)
    }

    /// J_l: the batch mean over samples i of ∂logits_i/∂h_l,i, exact, by one backward pass per (i, k).
    static func batchMeanJacobian(_ net: Network, tap: Tap, x: Tensor) -> Tensor {
        let batch = x.batch, k = net.classes, n = tap.width
        let j = Tensor(zeros: [k, n])
        _ = net.forward(x, mode: .training(updateStatistics: false))
        for i in 0 ..< batch {
            for c in 0 ..< k {
                let e = Tensor(zeros: [batch, k])
                e.data[i * k + c] = 1
                net.backpropagate(e) { t, g in
                    guard t === tap else { return }
                    for m in 0 ..< n { j.data[c * n + m] += g.data[i * n + m] / Float(batch) }
                }
            }
        }
        return j
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }, nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }
        return dot / (na * nb).squareRoot()
    }

    func testFDFAFeedbackGradientEstimatesTheBatchMeanJacobian() throws {
        let net = Self.smallNet()
        let (x, labels) = Self.problem(samples: 4)
        let exact = net.taps.map { Self.batchMeanJacobian(net, tap: $0, x: x) }
        let trainer = try Trainer(network: net, rule: .fdfa, seed: 5)
        // With B_l = 0 the FDFA gradient is −mean(d ⊗ u_l): average it over many draws.
        let draws = 4000
        var sums = exact.map { Array(repeating: Float(0), count: $0.count) }
        for _ in 0 ..< draws {
            try trainer.computeGradients(images: x, labels: labels, updateStatistics: false)
            for (l, g) in trainer.feedbackGradients.enumerated() {
                for m in 0 ..< g.count { sums[l][m] -= g.data[m] / Float(draws) }
            }
        }
        for l in exact.indices {
            XCTAssertGreaterThan(Self.cosine(sums[l], exact[l].array), 0.99, "tap \(l + 1)")
        }
        // A single draw is a noisy but positively aligned estimate.
        XCTAssertLessThan(Self.cosine(trainer.feedbackGradients[0].array.map { -$0 }, exact[0].array), 0.99)
    }

    func testDFAWithTheTrueJacobianGivesTheJacobianProduct() throws {
        let net = Self.smallNet()
        let (x, labels) = Self.problem(samples: 4)
        let trainer = try Trainer(network: net, rule: .dfa, seed: 1)
        let jacobians = net.taps.map { Self.batchMeanJacobian(net, tap: $0, x: x) }
        for (b, j) in zip(trainer.learningRule.tapFeedback, jacobians) { b.assign(j) }
        try trainer.computeGradients(images: x, labels: labels)
        var loss = SoftmaxCrossEntropy()
        let e = loss.evaluate(logits: net.forward(x, mode: .training(updateStatistics: false)), labels: labels).error
        for (l, j) in jacobians.enumerated() {
            let n = j.valuesPerSample
            var expected = [Float](repeating: 0, count: 4 * n)
            for i in 0 ..< 4 { for m in 0 ..< n { for c in 0 ..< 3 { expected[i * n + m] += e.data[i * 3 + c] * j.data[c * n + m] } } }
            let got = trainer.signals[l]!.array
            for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
        // Without BatchNorm, J_l per sample equals the batch-mean one only on average, so the
        // true δ_l differs; but the output layer's gradient is the true one in every rule.
        let dfaOutputGrad = net.outputLayer.weight.grad.copy()
        net.backpropagate(e)
        XCTAssertEqual(dfaOutputGrad.array, net.outputLayer.weight.grad.array)
    }

    func testDKPFeedbackGradientIsErrorTransposeTimesActivity() throws {
        let net = Self.smallNet()
        let (x, labels) = Self.problem(samples: 5)
        let trainer = try Trainer(network: net, rule: .dkp, seed: 1)
        try trainer.computeGradients(images: x, labels: labels)
        var loss = SoftmaxCrossEntropy()
        let e = loss.evaluate(logits: net.forward(x, mode: .training(updateStatistics: false)), labels: labels).error
        for (tap, g) in zip(net.taps, trainer.feedbackGradients) {
            let h = tap.lastInput!, n = tap.width
            for c in 0 ..< 3 {
                for m in 0 ..< n {
                    let expected = (0 ..< 5).reduce(Float(0)) { $0 + e.data[$1 * 3 + c] * h.data[$1 * n + m] }
                    XCTAssertEqual(g.data[c * n + m], expected, accuracy: 1e-6)
                }
            }
        }
    }

    /// E[(∇L · v) v] = ∇L for v ~ N(0, I): the mean of many FG-W gradients approaches BP's.
    func testForwardGradientsAreUnbiased() throws {
        let net = Self.smallNet(hidden: [4])
        let (x, labels) = Self.problem(samples: 4)
        let bp = try Trainer(network: net, rule: .bp, seed: 0)
        try bp.computeGradients(images: x, labels: labels, updateStatistics: false)
        let truth = net.parameters.flatMap(\.grad.array)
        let fgw = try Trainer(network: net, rule: .fgw, seed: 3)
        let draws = 20000
        var mean = [Float](repeating: 0, count: truth.count)
        for _ in 0 ..< draws {
            try fgw.computeGradients(images: x, labels: labels, updateStatistics: false)
            for (m, v) in net.parameters.flatMap(\.grad.array).enumerated() { mean[m] += v / Float(draws) }
        }
        XCTAssertGreaterThan(Self.cosine(mean, truth), 0.95)
    }

    /// E[(e_i · d_i) u_i] = J_iᵀ e_i = the true δ at the tap, in a network without BatchNorm.
    func testActivityPerturbedSignalIsUnbiased() throws {
        let net = Self.smallNet(hidden: [5])
        let (x, labels) = Self.problem(samples: 3)
        var truth: [Float] = []
        _ = net.forward(x, mode: .training)
        var loss = SoftmaxCrossEntropy()
        let e = loss.evaluate(logits: net.forward(x, mode: .training), labels: labels).error
        net.backpropagate(e) { _, g in truth = g.array }
        let fga = try Trainer(network: net, rule: .fga, seed: 8)
        let draws = 20000
        var mean = [Float](repeating: 0, count: truth.count)
        for _ in 0 ..< draws {
            try fga.computeGradients(images: x, labels: labels)
            for (m, v) in fga.signals[0]!.array.enumerated() { mean[m] += v / Float(draws) }
        }
        XCTAssertGreaterThan(Self.cosine(mean, truth), 0.98)
    }

    func testEveryRuleLowersTheLossAndIsReproducible() throws {
        let (x, labels) = Self.problem(samples: 256, input: 6, classes: 3)
        var hp = Hyperparameters()
        hp.learningRate = 3e-3
        hp.feedbackLearningRate = 3e-3
        for rule in Rule.allCases {
            func run() throws -> (first: Float, last: Float) {
                let net = Self.smallNet(hidden: [16, 16], seed: 4)
                let trainer = try Trainer(network: net, rule: rule, hyperparameters: hp, seed: 7)
                let before = trainer.evaluate(images: x, labels: labels).loss
                for _ in 0 ..< 300 { try trainer.step(images: x, labels: labels) }
                return (before, trainer.evaluate(images: x, labels: labels).loss)
            }
            let a = try run(), b = try run()
            XCTAssertLessThan(a.last, 0.9 * a.first, "\(rule) did not learn: \(a.first) → \(a.last)")
            XCTAssertEqual(a.last, b.last, "\(rule) is not reproducible")
        }
    }

    func testFDFAMovingAverageFormMatchesItsFormula() throws {
        let net = Self.smallNet()
        let (x, labels) = Self.problem(samples: 4)
        var hp = Hyperparameters()
        hp.feedbackUpdate = .movingAverage(beta: 0.9)
        let trainer = try Trainer(network: net, rule: .fdfa, hyperparameters: hp, seed: 2)
        trainer.learningRule.tapFeedback[0].fill(1)
        try trainer.computeGradients(images: x, labels: labels)
        let d = trainer.outputTangent!.array, u = trainer.learningRule.seeds!.taps[0]!.array, n = net.taps[0].width
        trainer.applyUpdates()
        let b = trainer.learningRule.tapFeedback[0]
        for c in 0 ..< 3 {
            for m in 0 ..< n {
                let mean = (0 ..< 4).reduce(Float(0)) { $0 + d[$1 * 3 + c] * u[$1 * n + m] } / 4
                XCTAssertEqual(b.data[c * n + m], 0.9 + 0.1 * mean, accuracy: 1e-5)
            }
        }
    }

    func testDivergenceIsReportedAndNothingIsUpdated() throws {
        let net = Self.smallNet()
        let (x, labels) = Self.problem(samples: 4)
        let trainer = try Trainer(network: net, rule: .bp, seed: 1)
        net.layers[0].parameters[0].value.data[3] = .nan
        let before = net.parameters.map(\.value.array)
        XCTAssertThrowsError(try trainer.step(images: x, labels: labels)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("step 1"), message)
            XCTAssertTrue(message.contains("loss"), message)
        }
        XCTAssertEqual(trainer.steps, 0)
        for (a, b) in zip(before, net.parameters.map(\.value.array)) {
            XCTAssertEqual(a.count, b.count)
            for (p, q) in zip(a, b) { XCTAssertTrue(p == q || (p.isNaN && q.isNaN)) }
        }
    }

    func testRetuningKeepsTheDecayedLearningRateUnlessItIsTheRateThatChanges() throws {
        let trainer = try Trainer(network: Self.smallNet(), rule: .dkp, seed: 1)
        trainer.finishEpoch()
        XCTAssertEqual(trainer.optimizer.learningRate, 1e-4 * 0.95, accuracy: 1e-12)
        trainer.hyperparameters.weightDecay = 1e-5
        XCTAssertEqual(trainer.optimizer.learningRate, 1e-4 * 0.95, accuracy: 1e-12)
        XCTAssertEqual(trainer.optimizer.weightDecay, 1e-5)
        trainer.hyperparameters.feedbackLearningRate = 2e-3
        XCTAssertEqual(trainer.feedbackOptimizer?.learningRate, 2e-3)
        trainer.hyperparameters.learningRate = 1e-3
        XCTAssertEqual(trainer.optimizer.learningRate, 1e-3)
    }

    func testFinitenessCheck() {
        for bad: Float in [.nan, .infinity, -.infinity, .signalingNaN] {
            let t = Tensor(shape: [37], repeating: 1)
            t.data[29] = bad
            XCTAssertFalse(isFinite(t), "\(bad)")
        }
        XCTAssertTrue(isFinite(Tensor(shape: [5], values: [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 0, -0.0])))
    }

    func testAdamStepWorkedByHand() {
        // g = 0.5 + 0.1·θ (weight decay), θ = 1: m̂ = g, v̂ = g², so the first step moves θ by lr·sign(g).
        let adam = Adam(shapes: [[1]], learningRate: 0.1, weightDecay: 0.1)
        let theta = Tensor(shape: [1], values: [1])
        adam.update(values: [theta], gradients: [Tensor(shape: [1], values: [0.5])])
        XCTAssertEqual(theta.data[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(adam.moments[0].m.data[0], 0.06, accuracy: 1e-7)
        XCTAssertEqual(adam.moments[0].v.data[0], 0.001 * 0.36, accuracy: 1e-8)
    }
}
