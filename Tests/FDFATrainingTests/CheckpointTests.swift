import FDFAData
import FDFAEngine
import Foundation
import FDFATestSupport
import XCTest
@testable import FDFATraining

final class CheckpointTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory(self)
    }


    static let data = try! SyntheticSpec(seed: 3, sampleShape: [1, 6, 6], classCount: 4, trainCount: 200, testCount: 50).make()

    static func makeRun(rule: Rule, ema: Bool = false, augment: Bool = false) throws -> TrainingRun {
        let specs = LayerSpec.fc(hidden: [16, 12], classes: 4)
        let net = try Network(inputShape: [1, 6, 6], specs: specs, seed: 11)
        var hp = Hyperparameters()
        hp.learningRate = 1e-3
        if ema { hp.feedbackUpdate = .movingAverage(beta: 0.9) }
        let trainer = try Trainer(network: net, rule: rule, hyperparameters: hp, seed: 12)
        return TrainingRun(dataset: data, trainer: trainer, batchSize: 32, dataSeed: 13,
                           trainTransform: augment ? .randomResizedCropAndFlip(to: 6) : nil)
    }

    func testResumedRunGivesTheSameNumbersAsAnUninterruptedOne() throws {
        for (rule, augment) in [(Rule.fdfa, false), (.dkp, false), (.fga, false), (.bp, false), (.fa, false), (.fdfa, true)] {
            let straight = try Self.makeRun(rule: rule, augment: augment)
            for _ in 0 ..< 3 { _ = try straight.trainEpoch() }

            let first = try Self.makeRun(rule: rule, augment: augment)
            _ = try first.trainEpoch()
            let path = directory.appendingPathComponent("\(rule).safetensors").path
            try Checkpoint.save(first.trainer, to: path, metadata: first.dataState)

            let resumed = try Self.makeRun(rule: rule, augment: augment)
            let metadata = try Checkpoint.restore(resumed.trainer, from: path)
            try resumed.restoreData(from: metadata, checkpoint: path)
            for _ in 0 ..< 2 { _ = try resumed.trainEpoch() }

            XCTAssertEqual(resumed.trainer.steps, straight.trainer.steps)
            XCTAssertEqual(resumed.trainer.optimizer.learningRate, straight.trainer.optimizer.learningRate)
            for (a, b) in zip(straight.network.parameters, resumed.network.parameters) {
                XCTAssertEqual(a.value.array, b.value.array, "\(rule): parameters differ after resuming")
            }
            let rules = (straight.trainer.learningRule.stateTensors, resumed.trainer.learningRule.stateTensors)
            XCTAssertEqual(rules.0.map(\.name), rules.1.map(\.name))
            for (a, b) in zip(rules.0, rules.1) {
                XCTAssertEqual(a.tensor.array, b.tensor.array, "\(rule): \(a.name) differs after resuming")
            }
            XCTAssertEqual(try straight.evaluate().loss, try resumed.evaluate().loss)
        }
    }

    func testRestoreRefusesAnotherRuleOrNetworkAndChangesNothing() throws {
        let run = try Self.makeRun(rule: .dkp)
        _ = try run.trainEpoch()
        let path = directory.appendingPathComponent("dkp.safetensors").path
        try Checkpoint.save(run.trainer, to: path)

        let other = try Self.makeRun(rule: .fdfa)
        let before = other.network.parameters.map(\.value.array)
        XCTAssertThrowsError(try Checkpoint.restore(other.trainer, from: path)) { error in
            XCTAssertTrue("\(error)".contains("DKP"), "\(error)")
        }
        XCTAssertEqual(before, other.network.parameters.map(\.value.array))

        let wider = try TrainingRun(
            dataset: Self.data,
            trainer: Trainer(network: Network(inputShape: [1, 6, 6], specs: LayerSpec.fc(hidden: [20, 12], classes: 4), seed: 1), rule: .dkp, seed: 1),
            batchSize: 32, dataSeed: 1)
        XCTAssertThrowsError(try Checkpoint.restore(wider.trainer, from: path)) { error in
            XCTAssertTrue("\(error)".contains("network"), "\(error)")
        }
    }

    func testCorruptFilesAreClearErrors() throws {
        let run = try Self.makeRun(rule: .fdfa)
        let good = directory.appendingPathComponent("good.safetensors").path
        try Checkpoint.save(run.trainer, to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        var rng = Random(seed: 4)
        var cases: [(String, Data)] = [
            ("empty", Data()),
            ("truncated header length", bytes.prefix(5)),
            ("truncated body", bytes.prefix(bytes.count - 7)),
            ("huge header length", Data([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]) + bytes.dropFirst(8)),
            ("not json", Data([16, 0, 0, 0, 0, 0, 0, 0]) + Data("{{{{{{{{{{{{{{{{".utf8)),
        ]
        for i in 0 ..< 300 {
            var mutated = bytes
            let position = rng.nextInt(below: min(mutated.count, 600))
            mutated[position] = UInt8(truncatingIfNeeded: rng.nextInt(below: 256))
            cases.append(("mutation \(i)", mutated))
        }
        for (name, content) in cases {
            let path = directory.appendingPathComponent("bad.safetensors").path
            try content.write(to: URL(fileURLWithPath: path))
            let fresh = try Self.makeRun(rule: .fdfa)
            do {
                try Checkpoint.restore(fresh.trainer, from: path)
            } catch {
                XCTAssertTrue("\(error)".contains(path), "\(name): error does not name the file: \(error)")
            }
        }
        XCTAssertThrowsError(try Checkpoint.restore(run.trainer, from: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("directory"), "\(error)")
        }
    }

    func testSafeTensorsLayoutIsTheStandardOne() throws {
        let path = directory.appendingPathComponent("t.safetensors").path
        try SafeTensors.write([("a", Tensor(shape: [2, 2], values: [1, 2, 3, 4])), ("b", Tensor(shape: [1], values: [-1]))],
                              metadata: ["k": "v"], to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(n % 8, 0)
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + n])) as! [String: Any]
        XCTAssertEqual((header["a"] as! [String: Any])["data_offsets"] as! [Int], [0, 16])
        XCTAssertEqual((header["b"] as! [String: Any])["shape"] as! [Int], [1])
        XCTAssertEqual(bytes.count, 8 + n + 20)
        let back = try SafeTensors.read(path)
        XCTAssertEqual(back.tensors["a"]!.array, [1, 2, 3, 4])
        XCTAssertEqual(back.metadata["k"], "v")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.hasSuffix(".tmp") })
    }
}
