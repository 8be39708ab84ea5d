import FDFATestSupport
import XCTest
import FDFAEngine
@testable import FDFAAnalysis

final class StudyTests: XCTestCase {
    func testStudyRegeneratesTheQualitativeFindingsOnSyntheticData() throws {
        var configuration = Study.Configuration()
        configuration.inputShape = [6]
        configuration.classes = 3
        configuration.hidden = [16, 16]
        configuration.steps = 60
        configuration.trackEvery = 20
        configuration.widths = [4, 16, 64]
        configuration.draws = 24
        configuration.hyperparameters.learningRate = 3e-3
        configuration.hyperparameters.feedbackLearningRate = 1e-2
        configuration.outputDirectory = try temporaryDirectory(self).path
        let batches = (0 ..< 4).map { Fixtures.problem(samples: 32, seed: UInt64(10 + $0)) }
        let result = try Study.run(configuration, batches: { batches[$0 % 4] }, probe: Fixtures.problem(samples: 8, seed: 5))

        XCTAssertEqual(result.files.filter { $0.hasSuffix(".csv") }.count, 5)
        XCTAssertEqual(result.files.filter { $0.hasSuffix(".svg") }.count, 3)
        for file in result.files { XCTAssertTrue(FileManager.default.fileExists(atPath: file), file) }

        for rule in [Rule.dkp, .fdfa] {
            let cos = result.alignment[rule]!.column("cos_delta_1")!
            XCTAssertEqual(cos.count, 4)
            XCTAssertEqual(cos[0], 0, "\(rule) starts with B = 0")
            XCTAssertGreaterThan(cos.last!, 0.15, "\(rule) learns to align: \(cos)")
        }
        let fgw = result.variance.filter { $0.estimator == .fgw }.map(\.statistics.relativeVariance)
        XCTAssertTrue(zip(fgw, fgw.dropFirst()).allSatisfy { $0 < $1 }, "FG-W's variance grows with width: \(fgw)")
        // Activity perturbations draw one number per neuron, not per parameter; FDFA's Jacobian draw
        // also averages over the batch.
        let fga = result.variance.filter { $0.estimator == .fga }.map(\.statistics.relativeVariance)
        let fdfa = result.variance.filter { $0.estimator == .fdfa }.map(\.statistics.relativeVariance)
        for w in fgw.indices {
            XCTAssertLessThan(fga[w], fgw[w] / 3, "FG-A \(fga) against FG-W \(fgw)")
            XCTAssertLessThan(fdfa[w], fga[w], "FDFA \(fdfa) against FG-A \(fga)")
        }
        // With its learned B, FDFA's error stays below 1 (cosine well above 0) at every width.
        XCTAssertEqual(result.trainedFDFA.map(\.width), [4, 16, 64])
        for (width, g) in result.trainedFDFA { XCTAssertLessThan(g.relativeSquaredDistance, 1, "width \(width)") }
    }
}
