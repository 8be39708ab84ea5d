import FDFAData
import FDFAEngine
import Foundation
import FDFATestSupport
import XCTest
@testable import FDFATraining

final class TrainingRunTests: XCTestCase {
    func testReferenceConsoleLinesByteForByte() {
        let p = TrainingRun.BatchProgress(index: 100, batchCount: 938, samplesBefore: 6400, sampleCount: 60000, loss: 0.123456)
        XCTAssertEqual(ReferenceLog.trainLine(epoch: 3, p), "Train Epoch: 3 [6400/60000 (11%)]\tLoss: 0.1235")
        let e = TrainingRun.Evaluation(loss: 0.45678, correct: 8642, count: 10000)
        XCTAssertEqual(ReferenceLog.testLines(e), "\nTest set: Average loss: 0.4568, Accuracy: (86.42%)\n")
        XCTAssertTrue(ReferenceLog.logsBatch(0, interval: 100))
        XCTAssertFalse(ReferenceLog.logsBatch(99, interval: 100))
        XCTAssertTrue(ReferenceLog.logsBatch(200, interval: 100))
    }

    func testCSVPathAndContents() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000) // 2023-11-14 22:13:20 UTC
        let path = ReferenceLog.csvPath(logDir: "results/", mode: "FDFA", date: date)
        XCTAssertTrue(path.hasSuffix("results/FDFA/" + {
            let f = DateFormatter()
            f.dateFormat = "yyMMdd_HHmmss"
            return f.string(from: date)
        }() + ".csv"), path)
        XCTAssertNotNil(path.range(of: #"/FDFA/\d{6}_\d{6}\.csv$"#, options: .regularExpression))

        let file = try temporaryDirectory(self).appendingPathComponent("BP/x.csv").path
        let log = try CSVLog(path: file, argumentsLine: "Namespace(epochs=1)")
        try log.append(ReferenceLog.csvRow(epoch: 1, trainingLoss: 0.5, .init(loss: 0.25, correct: 3, count: 4)))
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8),
                       "Namespace(epochs=1)\nEpoch,Training Loss,Test Loss,Test Accuracy\r\n1,0.5,0.25,75.0\r\n")
        // Double precision, printed as Python prints floats: 0.1 + 0.2 is 0.30000000000000004 there.
        XCTAssertEqual(ReferenceLog.csvRow(epoch: 2, trainingLoss: 0.1 + 0.2, .init(loss: 1e-05, correct: 2, count: 3)),
                       ["2", "0.30000000000000004", "1e-05", "66.66666666666667"])
    }

    func testEpochTrainsEveryBatchLearnsAndDecaysTheLearningRate() throws {
        let run = try CheckpointTests.makeRun(rule: .bp)
        let before = try run.evaluate()
        var seen: [Int] = []
        let summary = try run.trainEpoch { seen.append($0.index); return true }
        XCTAssertEqual(seen, Array(0 ..< 7)) // 200 samples in batches of 32: 6 full, 1 partial
        XCTAssertEqual(summary.batches, 7)
        XCTAssertFalse(summary.stoppedEarly)
        XCTAssertEqual(run.trainer.optimizer.learningRate, 1e-3 * 0.95, accuracy: 1e-9)
        for _ in 0 ..< 5 { _ = try run.trainEpoch() }
        let after = try run.evaluate()
        XCTAssertEqual(after.count, 50)
        XCTAssertLessThan(after.loss, before.loss)
    }

    func testLargeEvaluationPassesGiveThePerBatchTestLossExactly() throws {
        let run = try CheckpointTests.makeRun(rule: .fdfa)
        _ = try run.trainEpoch()
        // The reference: the test split in batches of 32 (50 = 32 + 18), the mean of the batch losses.
        let test = CheckpointTests.data.test
        var losses: [Double] = [], correct = 0
        for start in stride(from: 0, to: test.count, by: 32) {
            let indices = Array(start ..< min(start + 32, test.count))
            let r = run.trainer.evaluate(images: test.samples(indices), labels: indices.map { test.labels[$0] })
            losses.append(Double(r.loss))
            correct += r.correct
        }
        let expected = losses.reduce(0, +) / Double(losses.count)
        for perPass in [1, 2, 5] {
            let pass = try TrainingRun(dataset: CheckpointTests.data, trainer: run.trainer, batchSize: 32, dataSeed: 13,
                                   evaluationBatches: perPass).evaluate()
            XCTAssertEqual(pass.loss, expected, "\(perPass) batches per pass")
            XCTAssertEqual(pass.correct, correct)
            XCTAssertEqual(pass.count, 50)
        }
        XCTAssertEqual(try run.evaluate().loss, expected)
    }

    func testEvaluationPassesStayWithinTheirMemoryBudget() throws {
        let fc = try Network.fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 0)
        let conv = try Network.shallowCNN(input: [1, 28, 28], classes: 10, seed: 0)
        let alexNet = try Network.alexNet(seed: 0)
        XCTAssertEqual(TrainingRun.evaluationBatches(for: fc, batchSize: 64), 16, "1024 samples")
        XCTAssertEqual(TrainingRun.evaluationBatches(for: conv, batchSize: 64), 2)
        XCTAssertEqual(TrainingRun.evaluationBatches(for: alexNet, batchSize: 64), 1)
        XCTAssertEqual(TrainingRun.evaluationBatches(for: fc, batchSize: 5000), 1, "at least one batch")
    }

    func testEpochsReportTheirStepAndBatchTimes() throws {
        let run = try CheckpointTests.makeRun(rule: .fdfa)
        let clock = ContinuousClock(), start = clock.now
        let summary = try run.trainEpoch()
        let wall = clock.now - start
        XCTAssertGreaterThan(summary.stepTime, .zero)
        XCTAssertGreaterThan(summary.batchTime, .zero)
        XCTAssertLessThanOrEqual(summary.stepTime + summary.batchTime, wall)
    }

    func testTimingSummaryAddsUpTheParts() {
        var timing = RunTiming()
        timing.loading = .milliseconds(150)
        timing.add(.init(meanLoss: 1, batches: 800, stoppedEarly: false, interrupted: false,
                         stepTime: .seconds(4), batchTime: .milliseconds(50)))
        timing.add(.init(meanLoss: 1, batches: 200, stoppedEarly: false, interrupted: false,
                         stepTime: .seconds(1), batchTime: .milliseconds(10)))
        let answer = timing.timeEvaluation { 42 }
        XCTAssertEqual(answer, 42)
        XCTAssertEqual(timing.evaluationCount, 1)
        XCTAssertEqual(timing.stepCount, 1000)
        let line = timing.summary(total: .seconds(6) + timing.evaluations)
        XCTAssertTrue(line.hasPrefix("Timing: 6.00 s in all: loading 0.15 s, 1 evaluation 0.00 s, 1000 steps 5.00 s (5.00 ms a step), "), line)
        XCTAssertTrue(line.hasSuffix("batches 0.06 s, the rest 0.79 s"), line)
        XCTAssertFalse(line.contains("A step"), "no step was timed by phases")
    }

    func testStoppingAfterABatchAndInterrupting() throws {
        let run = try CheckpointTests.makeRun(rule: .fdfa)
        let dry = try run.trainEpoch { _ in false }
        XCTAssertEqual(dry.batches, 1)
        XCTAssertTrue(dry.stoppedEarly)
        XCTAssertEqual(run.trainer.epochs, 1, "a dry-run epoch still ends with the scheduler step, as in the reference")

        Interrupt.request()
        defer { Interrupt.clear() }
        let stepsBefore = run.trainer.steps
        let interrupted = try run.trainEpoch()
        XCTAssertTrue(interrupted.interrupted)
        XCTAssertEqual(run.trainer.steps, stepsBefore)
        XCTAssertEqual(run.trainer.epochs, 1, "an interrupted epoch does not decay the learning rate")
    }

    func testSeedPlanStreamsAreDistinctAndStable() {
        let a = SeedPlan(0), b = SeedPlan(0), c = SeedPlan(1)
        XCTAssertEqual(a, b)
        XCTAssertEqual(Set([a.network, a.rule, a.data]).count, 3)
        XCTAssertNotEqual(a.network, c.network)
        XCTAssertNotEqual(SeedPlan(flag: -1).seed, SeedPlan(flag: -1).seed)
    }

    func testReferenceModelPicksTheReferenceNetworks() throws {
        XCTAssertEqual(ReferenceModel(dataset: .mnist, rule: .fdfa).specs(classes: 10), LayerSpec.fc(hidden: [800, 800], classes: 10))
        XCTAssertEqual(ReferenceModel(dataset: .cifar10, hiddenLayers: 3, rule: .dfa).specs(classes: 10), LayerSpec.fc(hidden: [1000, 1000, 1000], classes: 10))
        XCTAssertEqual(ReferenceModel(dataset: .fashionMNIST, conv: true, rule: .bp).specs(classes: 10), LayerSpec.shallowCNN(classes: 10))
        XCTAssertEqual(ReferenceModel(dataset: .cifar100, conv: false, rule: .bp).specs(classes: 100), LayerSpec.alexNet(classes: 100))
        XCTAssertEqual(ReferenceModel(dataset: .mnist, hiddenLayers: 1, rule: .fgw).specs(classes: 10), LayerSpec.fgw(hidden: [800], classes: 10))
        // FG-W's default depth is its script's, one hidden block.
        XCTAssertEqual(ReferenceModel(dataset: .mnist, rule: .fgw).specs(classes: 10), LayerSpec.fgw(hidden: [800], classes: 10))
        XCTAssertEqual(ReferenceModel(dataset: .cifar100, rule: .bp).inputShape(for: [3, 32, 32]), [3, 224, 224])
    }
}
