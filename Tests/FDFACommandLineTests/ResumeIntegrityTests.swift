import Foundation
import XCTest

/// The log and the checkpoint agree after any kill, a resumed run continues both of its logs, and a
/// checkpoint is data: it never chooses where fdfa writes, and what it claims is checked.
final class ResumeIntegrityTests: CommandLineTestCase {
    /// A short synthetic run (32 batches an epoch) logging to `results` under the working directory.
    func arguments(epochs: Int, _ extra: [String] = []) -> [String] {
        ["train", "--dataset", "synthetic", "--n-layers", "1", "--seed", "0", "--epochs", "\(epochs)",
         "--log-dir", "results", "--log-interval", "10"] + extra
    }

    func run(_ arguments: [String], in directory: URL) throws -> FDFAProcess.Output {
        let output = try FDFAProcess.run(arguments, in: directory)
        XCTAssertEqual(output.status, 0, "\(arguments): \(output.stderr)")
        return output
    }

    /// The run's CSV log and its tracked quantities under `directory` (exactly one of each).
    func logs(in directory: URL) throws -> (log: String, track: String?) {
        let folder = directory.appendingPathComponent("results/FDFA")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let log = names.filter { $0.hasSuffix(".csv") && !$0.hasSuffix("-track.csv") }
        let track = names.filter { $0.hasSuffix("-track.csv") }
        XCTAssertEqual(log.count, 1, "\(names)")
        XCTAssertLessThanOrEqual(track.count, 1, "\(names)")
        func read(_ name: String) throws -> String { try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
        return (try read(log[0]), try track.first.map(read))
    }

    func subdirectory(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    let track = ["--track", "cos", "--track-every", "8"]

    /// The exact moment of the reported bug: the row of epoch 3 is in the log, the checkpoint still
    /// holds epoch 2 (as after kill -9 between the two writes). The resumed run writes epoch 3 once,
    /// and both logs equal an uninterrupted run's.
    func testAKillBetweenTheLogRowAndTheCheckpointLeavesEveryEpochOnce() throws {
        let straight = try subdirectory("straight"), killed = try subdirectory("killed")
        _ = try run(arguments(epochs: 3, track), in: straight)
        let checkpoint = killed.appendingPathComponent("ckpt/checkpoint.safetensors")
        let epoch2 = killed.appendingPathComponent("epoch2.safetensors")
        _ = try run(arguments(epochs: 2, track + ["--checkpoint", "ckpt"]), in: killed)
        try FileManager.default.copyItem(at: checkpoint, to: epoch2)
        _ = try run(arguments(epochs: 3, track + ["--checkpoint", "ckpt", "--resume", checkpoint.path]), in: killed)
        try FileManager.default.removeItem(at: checkpoint)
        try FileManager.default.copyItem(at: epoch2, to: checkpoint)
        _ = try run(arguments(epochs: 3, track + ["--checkpoint", "ckpt", "--resume", checkpoint.path]), in: killed)

        let expected = try logs(in: straight), got = try logs(in: killed)
        // The first line is the arguments of the run that created the log (--epochs 2 here).
        XCTAssertEqual(got.log.split(whereSeparator: \.isNewline).dropFirst(), expected.log.split(whereSeparator: \.isNewline).dropFirst())
        XCTAssertEqual(got.log.split(whereSeparator: \.isNewline).count, 2 + 3)
        XCTAssertEqual(got.track, expected.track, "the tracked quantities continue, each step once")
        XCTAssertEqual(got.track?.split(separator: "\n").count, 1 + 13) // steps 0, 8, ..., 96
    }

    /// kill -9 at dozens of moments of a checkpointed, tracked run, then --resume (or a fresh start
    /// when no checkpoint was written yet): the logs always equal an uninterrupted run's. Most kills
    /// come after the first checkpoint, where the log and the checkpoint can disagree.
    func testKillNineAnywhereThenResumeGivesTheUninterruptedLogs() throws {
        let epochs = 3
        let straight = try subdirectory("straight")
        let checkpointArguments = arguments(epochs: epochs, track + ["--checkpoint", "ckpt"])
        func start(in dir: URL) throws -> Process { try FDFAProcess.start(checkpointArguments, in: dir) }
        func checkpoint(in dir: URL) -> String { dir.appendingPathComponent("ckpt/checkpoint.safetensors").path }
        /// Waits for the first checkpoint (or the end of the run); how long that took.
        func awaitCheckpoint(in dir: URL, of process: Process) -> TimeInterval {
            let start = Date()
            while process.isRunning, !FileManager.default.fileExists(atPath: checkpoint(in: dir)) { usleep(2000) }
            return Date().timeIntervalSince(start)
        }
        let begin = Date()
        let uninterrupted = try start(in: straight)
        let firstCheckpoint = awaitCheckpoint(in: straight, of: uninterrupted)
        uninterrupted.waitUntilExit()
        XCTAssertEqual(uninterrupted.terminationStatus, 0)
        let duration = Date().timeIntervalSince(begin)
        let expected = try logs(in: straight)

        var resumed = 0
        for trial in 0 ..< 24 {
            let dir = try subdirectory("trial\(trial)")
            let process = try start(in: dir)
            if trial % 4 == 0 {
                usleep(UInt32(Double.random(in: 0 ... duration) * 1e6))
            } else {
                _ = awaitCheckpoint(in: dir, of: process)
                usleep(UInt32(Double.random(in: 0 ... max(duration - firstCheckpoint, 0.01)) * 1e6))
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            if FileManager.default.fileExists(atPath: checkpoint(in: dir)) {
                resumed += 1
                _ = try run(checkpointArguments + ["--resume", checkpoint(in: dir)], in: dir)
            } else {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent("results"))
                _ = try run(checkpointArguments, in: dir)
            }
            let got = try logs(in: dir)
            XCTAssertEqual(got.log, expected.log, "trial \(trial)")
            XCTAssertEqual(got.track, expected.track, "trial \(trial)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("ckpt").path)
            XCTAssertEqual(leftovers, ["checkpoint.safetensors"], "trial \(trial): temporaries left behind")
        }
        XCTAssertGreaterThanOrEqual(resumed, 18, "too few kills came after a checkpoint to test resuming")
    }

    /// Rewrites the metadata of the safetensors file at `path`.
    func editMetadata(_ path: String, _ edit: (inout [String: String]) -> Void) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var header = try JSONSerialization.jsonObject(with: data[8 ..< 8 + length]) as! [String: Any]
        var metadata = header["__metadata__"] as! [String: String]
        edit(&metadata)
        header["__metadata__"] = metadata
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(data[(8 + length)...])
        try file.write(to: URL(fileURLWithPath: path))
    }

    /// Resumes from a checkpoint of one epoch whose metadata `edit` changed; the run must fail.
    func resumeEdited(_ edit: (inout [String: String]) -> Void) throws -> String {
        let dir = try subdirectory("edited-\(UUID().uuidString)")
        _ = try run(arguments(epochs: 1, ["--checkpoint", "ckpt"]), in: dir)
        let checkpoint = dir.appendingPathComponent("ckpt/checkpoint.safetensors").path
        try editMetadata(checkpoint, edit)
        let output = try FDFAProcess.run(arguments(epochs: 2, ["--resume", checkpoint]), in: dir)
        XCTAssertEqual(output.status, 1, output.stderr)
        XCTAssertFalse(output.stdout.contains("Train Epoch"), "it trained on it: \(output.stdout)")
        XCTAssertEqual(try logs(in: dir).log.split(whereSeparator: \.isNewline).count, 3, "the log gained a row")
        return output.stderr
    }

    func testACheckpointNamingAnotherFileWritesNothingThere() throws {
        let victim = directory.appendingPathComponent("other/victim.csv")
        try FileManager.default.createDirectory(at: victim.deletingLastPathComponent(), withIntermediateDirectories: true)
        let logLike = victim.deletingLastPathComponent().appendingPathComponent("261206_120000.csv")
        for file in [victim, logLike] { try Data("keep\n".utf8).write(to: file) }

        let named = try resumeEdited { $0["csv"] = victim.path }
        XCTAssertTrue(named.contains("its log '\(victim.path)' is not the name of a log of fdfa train"), named)
        let elsewhere = try resumeEdited { $0["csv"] = logLike.path }
        XCTAssertTrue(elsewhere.contains("its log 261206_120000.csv is not in"), elsewhere)
        for file in [victim, logLike] { XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "keep\n") }
    }

    func testAbsurdCountsAndAnotherDataSetAreRefused() throws {
        let epochs = try resumeEdited { $0["epochs"] = String(Int.max) }
        XCTAssertTrue(epochs.contains("metadata 'epochs' is 9223372036854775807, outside 0...1000000"), epochs)
        let dataset = try resumeEdited { $0["dataset"] = "FashionMNIST" }
        XCTAssertTrue(dataset.contains("it was trained on FashionMNIST, this run uses synthetic"), dataset)
    }
}
