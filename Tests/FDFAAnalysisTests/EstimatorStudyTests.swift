import XCTest
import FDFAEngine
@testable import FDFAAnalysis

final class EstimatorStudyTests: XCTestCase {
    /// For v ~ N(0, I) in dimension P: E‖(g·v)v − g‖² = (P + 1)‖g‖², and the mean of the draws tends to g.
    func testWeightPerturbedVarianceMatchesItsFormula() throws {
        let net = Fixtures.reluNet(hidden: [3])
        let (x, labels) = Fixtures.problem(samples: 6)
        let p = Double(net.parameterCount)
        let few = try EstimatorStudy.run(net, images: x, labels: labels, estimator: .fgw, draws: 50, seed: 1)[0]
        let many = try EstimatorStudy.run(net, images: x, labels: labels, estimator: .fgw, draws: 8000, seed: 2)[0]
        XCTAssertEqual(many.target, "all")
        XCTAssertEqual(many.relativeVariance / (p + 1), 1, accuracy: 0.1)
        XCTAssertGreaterThan(many.averaged.cosine, 0.95)
        XCTAssertGreaterThan(many.averaged.cosine, few.averaged.cosine)
        // A single draw's cosine is about sqrt(1/P) in size: small, and spread both ways.
        XCTAssertLessThan(abs(many.meanCosine), 0.5)
        XCTAssertGreaterThan(many.stdCosine, 0.05)
    }

    func testActivityPerturbedDrawsAverageToTheTrueSignal() throws {
        let net = Fixtures.reluNet()
        let (x, labels) = Fixtures.problem(samples: 4)
        let stats = try EstimatorStudy.run(net, images: x, labels: labels, estimator: .fga, draws: 6000, seed: 3)
        XCTAssertEqual(stats.map(\.target), ["1", "2"])
        for s in stats { XCTAssertGreaterThan(s.averaged.cosine, 0.97, "tap \(s.target)") }
    }

    /// E[(1/B) Σ_i d_i ⊗ u_i] is the mean of the diagonal blocks, also under BatchNorm: the definition
    /// `Jacobian` uses. The draws are the study's own: a trainer's perturbations and generator on the
    /// same network are untouched.
    func testJacobianDrawsAverageToTheBatchMeanJacobian() throws {
        let net = Fixtures.batchNormNet()
        let (x, labels) = Fixtures.problem(samples: 4)
        let trainer = try Trainer(network: net, rule: .fdfa, seed: 2)
        try trainer.step(images: x, labels: labels)
        let perturbations = trainer.learningRule.seeds!.taps.map { $0!.array }, rng = trainer.rng
        let stats = try EstimatorStudy.run(net, images: x, labels: labels, estimator: .fdfa, draws: 6000, seed: 4)
        for s in stats {
            XCTAssertGreaterThan(s.averaged.cosine, 0.99, "tap \(s.target)")
            XCTAssertEqual(s.averaged.normRatio, 1, accuracy: 0.05)
            XCTAssertLessThan(s.meanCosine, 0.9, "a single draw is noisy")
        }
        XCTAssertEqual(trainer.learningRule.seeds!.taps.map { $0!.array }, perturbations)
        XCTAssertEqual(trainer.rng.counter, rng.counter)
    }
}
