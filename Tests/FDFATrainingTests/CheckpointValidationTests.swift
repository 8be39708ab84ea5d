import FDFAEngine
import Foundation
import FDFATestSupport
import XCTest
@testable import FDFATraining

/// A checkpoint is data: what it brings is checked before a run trains on it, and the log it names
/// is continued only as far as the checkpoint got.
final class CheckpointValidationTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory(self)
    }


    /// A checkpoint of one trained epoch, rewritten by `edit`; the error restoring it, if any.
    func restoreError(_ edit: (inout [String: Tensor], inout [String: String]) -> Void) throws -> String? {
        let run = try CheckpointTests.makeRun(rule: .fdfa)
        _ = try run.trainEpoch()
        let path = directory.appendingPathComponent("c.safetensors").path
        try Checkpoint.save(run.trainer, to: path)
        var (tensors, metadata) = try SafeTensors.read(path)
        edit(&tensors, &metadata)
        try SafeTensors.write(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, metadata: metadata, to: path)

        let fresh = try CheckpointTests.makeRun(rule: .fdfa)
        let before = fresh.network.parameters.map(\.value.array)
        do {
            try Checkpoint.restore(fresh.trainer, from: path)
            return nil
        } catch {
            XCTAssertEqual(fresh.network.parameters.map(\.value.array), before, "a refused checkpoint changed the trainer")
            XCTAssertEqual(fresh.trainer.epochs, 0)
            return "\(error)"
        }
    }

    func testAbsurdCountsNegativeVariancesAndNonFiniteValuesAreRefused() throws {
        XCTAssertNil(try restoreError { _, _ in }, "the unedited checkpoint loads")
        let refusals: [(String, (inout [String: Tensor], inout [String: String]) -> Void)] = [
            ("metadata 'epochs' is 9223372036854775807", { $1["epochs"] = String(Int.max) }),
            ("metadata 'epochs' is -3", { $1["epochs"] = "-3" }),
            ("metadata 'steps' is -1", { $1["steps"] = "-1" }),
            ("metadata 'optimizer_steps' is 4611686018427387904", { $1["optimizer_steps"] = String(1 << 62) }),
            ("metadata 'learning_rate' is nan", { $1["learning_rate"] = "nan" }),
            ("negative variance -0.5 at index 1", { tensors, _ in
                let name = tensors.keys.first { $0.hasSuffix(".running_var") }!
                tensors[name]![flat: 1] = -0.5
            }),
            ("holds inf at index 0", { tensors, _ in tensors[tensors.keys.sorted().first { $0.hasSuffix("weight") }!]![flat: 0] = .infinity }),
            ("holds nan at index 2", { tensors, _ in tensors[tensors.keys.sorted().last!]![flat: 2] = .nan }),
        ]
        for (expected, edit) in refusals {
            let error = try restoreError(edit)
            XCTAssertTrue(error?.contains(expected) ?? false, "\(expected): \(error ?? "accepted")")
        }
    }

    func testAnotherDataSetIsRefused() throws {
        XCTAssertNoThrow(try Checkpoint.requireDataset("synthetic", in: ["dataset": "synthetic"], path: "c"))
        XCTAssertThrowsError(try Checkpoint.requireDataset("synthetic", in: ["dataset": "FashionMNIST"], path: "c")) { error in
            XCTAssertEqual("\(error)", "c: checkpoint does not fit this run: it was trained on FashionMNIST, this run uses synthetic")
        }
        XCTAssertThrowsError(try Checkpoint.requireDataset("synthetic", in: [:], path: "c")) { error in
            // A session's save_checkpoint records no data set: the message says where to go instead.
            XCTAssertTrue("\(error)".contains("it was not written by fdfa train (a session's save_checkpoint, or an older fdfa); --init starts"), "\(error)")
        }
    }

    func testOnlyLogNamesNameALog() {
        for name in ["261206_120000.csv", "261206_120000-2.csv"] { XCTAssertTrue(ReferenceLog.isLogName(name), name) }
        for name in ["victim.csv", "../261206_120000.csv", "261206_120000.csv.bak", "261206_1200.csv", ""] {
            XCTAssertFalse(ReferenceLog.isLogName(name), name)
        }
    }

    func testAResumedLogKeepsTheCheckpointsEpochsOnly() throws {
        let path = directory.appendingPathComponent("log.csv").path
        let log = try CSVLog(path: path, argumentsLine: "Namespace(epochs=3)")
        for epoch in 1 ... 3 { try log.append(ReferenceLog.csvRow(epoch: epoch, trainingLoss: 0.5, .init(loss: 0.25, correct: 3, count: 4))) }
        let header = "Namespace(epochs=3)\nEpoch,Training Loss,Test Loss,Test Accuracy\r\n"
        // Killed after row 3 was written but before the checkpoint of epoch 3: the checkpoint says 2.
        let resumed = try CSVLog(resuming: path, afterEpoch: 2)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), header + "1,0.5,0.25,75.0\r\n2,0.5,0.25,75.0\r\n")
        try resumed.append(ReferenceLog.csvRow(epoch: 3, trainingLoss: 0.75, .init(loss: 0.25, correct: 3, count: 4)))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), header + "1,0.5,0.25,75.0\r\n2,0.5,0.25,75.0\r\n3,0.75,0.25,75.0\r\n")

        XCTAssertThrowsError(try CSVLog(resuming: path, afterEpoch: 4)) { error in
            XCTAssertTrue("\(error)".contains("it has rows for 3 epochs, the checkpoint was saved after epoch 4"), "\(error)")
        }
        // Another run's log under the same name (started in the same second, in another --log-dir):
        // refused, and left as it was.
        let before = try String(contentsOfFile: path, encoding: .utf8)
        try Data(before.replacingOccurrences(of: "Namespace(epochs=3)", with: "Namespace(epochs=3, dataset='synthetic', conv=False)").utf8)
            .write(to: URL(fileURLWithPath: path))
        let foreign = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertThrowsError(try CSVLog(resuming: path, afterEpoch: 2, sameRunAs: ["dataset='FashionMNIST'", "conv=False"])) { error in
            XCTAssertTrue("\(error)".contains("it is the log of a run started with other flags (this one has dataset='FashionMNIST'"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), foreign)
        XCTAssertNoThrow(try CSVLog(resuming: path, afterEpoch: 3, sameRunAs: ["dataset='synthetic'", "conv=False"]))
        // The first field of the line counts as well as the others.
        XCTAssertNoThrow(try CSVLog(resuming: path, afterEpoch: 3, sameRunAs: ["epochs=3", "conv=False"]))

        try Data("a,b\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CSVLog(resuming: path, afterEpoch: 0)) { error in
            XCTAssertTrue("\(error)".contains("does not begin with the arguments line"), "\(error)")
        }
    }
}
