import XCTest
import FDFAEngine
@testable import FDFAAnalysis

final class AlignmentTests: XCTestCase {
    func testBackpropagationAgreesWithItself() throws {
        let net = Fixtures.batchNormNet()
        let (x, labels) = Fixtures.problem(samples: 8)
        let report = try Alignment.measure(try Trainer(network: net, rule: .bp, seed: 1), images: x, labels: labels)
        XCTAssertEqual(report.taps.count, 2)
        XCTAssertEqual(report.layers.map(\.index), [2, 3, 6, 7, 10])
        for tap in report.taps {
            XCTAssertEqual(tap.delta!.cosine, 1, accuracy: 1e-6)
            XCTAssertNil(tap.feedback)
        }
        for layer in report.layers {
            XCTAssertEqual(layer.gradient.cosine, 1, accuracy: 1e-6, layer.description)
            XCTAssertEqual(layer.gradient.normRatio, 1, accuracy: 1e-5, layer.description)
        }
    }

    func testFeedbackEqualToTheJacobianHasCosineOne() throws {
        let net = Fixtures.batchNormNet()
        let (x, labels) = Fixtures.problem(samples: 6)
        let trainer = try Trainer(network: net, rule: .dfa, seed: 1)
        for (b, j) in zip(trainer.learningRule.tapFeedback, try Jacobian.batchMean(net, images: x)) { b.assign(j) }
        let report = try Alignment.measure(trainer, images: x, labels: labels)
        for tap in report.taps {
            XCTAssertEqual(tap.feedback!.cosine, 1, accuracy: 1e-6)
            XCTAssertEqual(tap.feedback!.normRatio, 1, accuracy: 1e-6)
        }
        XCTAssertEqual(report.feedbackColumns.map(\.name), ["cos_BJ_1", "norm_ratio_BJ_1", "cos_BJ_2", "norm_ratio_BJ_2"])
    }

    /// In a linear network every sample has the same Jacobian, so DFA with B_l = J_l is BP.
    func testDFAWithTheJacobianOfALinearNetworkIsBackpropagation() throws {
        let net = Fixtures.linearNet()
        let (x, labels) = Fixtures.problem(samples: 6)
        let trainer = try Trainer(network: net, rule: .dfa, seed: 1)
        for (b, j) in zip(trainer.learningRule.tapFeedback, try Jacobian.batchMean(net, images: x)) { b.assign(j) }
        let report = try Alignment.measure(trainer, images: x, labels: labels)
        for (name, value) in report.gradientColumns where name.hasPrefix("cos") {
            XCTAssertEqual(value, 1, accuracy: 1e-5, name)
        }
    }

    /// FDFA starts B_l at zero: the report must say the signal is zero, not print "cos 0", which
    /// reads as "orthogonal"; once B_l has moved, cosines are printed again.
    func testAZeroFeedbackIsReportedAsZeroNotAsOrthogonal() throws {
        let net = Fixtures.batchNormNet()
        let (x, labels) = Fixtures.problem(samples: 8)
        let trainer = try Trainer(network: net, rule: .fdfa, seed: 1)
        let fresh = try Alignment.measure(trainer, images: x, labels: labels)
        XCTAssertTrue(fresh.taps.allSatisfy { $0.feedback!.estimateIsZero && $0.delta!.estimateIsZero })
        XCTAssertTrue(fresh.description.contains("B vs J: zero (no direction), norm ratio 0"), fresh.description)
        XCTAssertFalse(fresh.description.contains("cos 0,"), fresh.description)
        XCTAssertTrue(fresh.description.hasSuffix("(B_1, B_2 = 0: FDFA starts its feedback matrices at zero; after some training steps they take the direction of J_l)"), fresh.description)

        _ = try trainer.step(images: x, labels: labels)
        let trained = try Alignment.measure(trainer, images: x, labels: labels)
        XCTAssertTrue(trained.taps.allSatisfy { !$0.feedback!.estimateIsZero })
        XCTAssertNil(trained.note)
        XCTAssertTrue(trained.description.contains("B vs J: cos "), trained.description)
    }

    func testRandomFeedbackIsNotAligned() throws {
        let net = Fixtures.batchNormNet(hidden: [16, 16])
        let (x, labels) = Fixtures.problem(samples: 8)
        let report = try Alignment.measure(try Trainer(network: net, rule: .dfa, seed: 1), images: x, labels: labels)
        XCTAssertLessThan(abs(report.taps[0].feedback!.cosine), 0.5)
        XCTAssertEqual(report.layers.last!.gradient.cosine, 1, accuracy: 1e-6, "the output layer always gets its true gradient")
    }

    func testForwardGradientJVPMatchesTheGradientDotTheDirection() {
        let net = Fixtures.batchNormNet()
        let (x, labels) = Fixtures.problem(samples: 5)
        var rng = Random(seed: 4)
        let direction = net.parameters.map { p -> Tensor? in
            let v = Tensor(zeros: p.value.shape)
            rng.fillNormal(v)
            return v
        }
        let jvp = DirectionalDerivative.loss(net, images: x, labels: labels, along: direction)
        let dot = Gradients.truth(net, images: x, labels: labels).dot(direction.map { $0! })
        XCTAssertEqual(jvp, dot, accuracy: 1e-4 * abs(dot))
    }
}
