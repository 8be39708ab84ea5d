import FDFATestSupport
import XCTest
import FDFAEngine
@testable import FDFAAnalysis

final class TrackerTests: XCTestCase {
    private func temporaryPath(_ name: String) throws -> String {
        try temporaryDirectory(self).appendingPathComponent(name).path
    }

    /// Everything training carries from step to step: parameters, BatchNorm running estimates,
    /// feedback matrices, optimiser moments, and the next draw of the trainer's generator.
    private func trainingState(_ trainer: Trainer) -> [[Float]] {
        let net = trainer.network
        var rng = trainer.rng
        let bn = net.layers.compactMap { $0 as? BatchNorm }.flatMap { [$0.runningMean.array, $0.runningVariance.array] }
        return net.parameters.map(\.value.array) + bn + trainer.learningRule.stateTensors.map(\.tensor.array)
            + trainer.optimizer.moments.flatMap { [$0.m.array, $0.v.array] } + [[rng.nextUniform()]]
    }

    private func train(rule: Rule, steps: Int, tracker: Tracker?) throws -> [[Float]] {
        let net = rule == .fgw ? try Network.fgw(input: [6], hidden: [8], classes: 3, seed: 3) : Fixtures.batchNormNet(hidden: [8, 8], seed: 3)
        var hp = Hyperparameters()
        hp.learningRate = 1e-2
        hp.feedbackLearningRate = 1e-2
        let trainer = try Trainer(network: net, rule: rule, hyperparameters: hp, seed: 11)
        let (x, labels) = Fixtures.problem(samples: 16)
        try tracker?.maybeRecord(trainer: trainer, step: 0, epoch: 0)
        for _ in 0 ..< steps {
            try trainer.step(images: x, labels: labels)
            try tracker?.maybeRecord(trainer: trainer, step: trainer.steps, epoch: 0)
        }
        return trainingState(trainer)
    }

    func testTrackingDoesNotChangeTraining() throws {
        let (probe, probeLabels) = Fixtures.problem(samples: 6, seed: 5)
        for rule in Rule.allCases {
            let tracker = try Tracker(groups: [.cos, .align, .variance], every: 2, path: temporaryPath("\(rule).csv"),
                                      images: probe, labels: probeLabels, seed: 77, draws: 3)
            let tracked = try train(rule: rule, steps: 7, tracker: tracker)
            tracker.close()
            XCTAssertEqual(tracker.table.rows.map { $0[0] }, [0, 2, 4, 6], "\(rule)")
            XCTAssertEqual(tracked, try train(rule: rule, steps: 7, tracker: nil), "tracking changed \(rule)'s training")
        }
    }

    func testCSVHasOneHeaderAndOneRowPerRecord() throws {
        let path = try temporaryPath("fdfa.csv")
        let net = Fixtures.batchNormNet()
        let trainer = try Trainer(network: net, rule: .fdfa, seed: 1)
        let (x, labels) = Fixtures.problem(samples: 4)
        let tracker = try Tracker(groups: TrackGroups(parsing: "cos, ALIGN,var"), every: 1, path: path,
                                  images: x, labels: labels, draws: 2)
        try tracker.record(trainer: trainer, step: 0, epoch: 0)
        try trainer.step(images: x, labels: labels)
        try tracker.record(trainer: trainer, step: 1, epoch: 1)
        tracker.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        let header = lines[0].split(separator: ",").map(String.init)
        XCTAssertEqual(header, tracker.table.columns)
        for name in ["step", "epoch", "cos_delta_1", "norm_ratio_delta_2", "cos_grad_2", "cos_grad_10",
                     "cos_BJ_1", "norm_ratio_BJ_2", "var_1", "rel_var_2", "cos_est_1", "cos_est_std_2"] {
            XCTAssertTrue(header.contains(name), name)
        }
        XCTAssertEqual(lines[2].split(separator: ",").count, header.count)
        XCTAssertEqual(tracker.table.column("epoch"), [0, 1])
        XCTAssertEqual(tracker.table.column("cos_BJ_1")?.first, 0, "B starts at zero: no alignment")
        XCTAssertEqual(tracker.table.series("cos_delta_1")?.x, [0, 1])
    }

    func testGroupNamesAreChecked() {
        XCTAssertEqual(try TrackGroups(parsing: "var,cos"), [.cos, .variance])
        XCTAssertEqual("\(try! TrackGroups(parsing: "align,cos"))", "cos,align")
        XCTAssertThrowsError(try TrackGroups(parsing: "cos,angle")) { XCTAssertTrue("\($0)".contains("angle")) }
        XCTAssertThrowsError(try TrackGroups(parsing: ""))
    }
}
