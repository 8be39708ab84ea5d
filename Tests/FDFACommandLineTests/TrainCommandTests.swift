import Foundation
import XCTest

final class TrainCommandTests: CommandLineTestCase {
    /// A short run on the synthetic dataset (2000 training samples in batches of 64: 32 batches).
    func train(_ extra: [String]) throws -> FDFAProcess.Output {
        try FDFAProcess.run(["train", "--dataset", "synthetic", "--n-layers", "1", "--seed", "0",
                             "--log-dir", directory.appendingPathComponent("results").path, "--log-interval", "10"] + extra,
                            in: directory)
    }

    func testConsoleLinesAndCSVHaveTheReferenceFormat() throws {
        let run = try train(["--epochs", "2", "--train-mode", "DKP"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let testLine = #"^Test set: Average loss: \d+\.\d{4}, Accuracy: \(\d+\.\d{2}%\)$"#
        let trainLine = #"^Train Epoch: [12] \[\d+/2000 \(\d+%\)\]\tLoss: \d+\.\d{4}$"#
        XCTAssertEqual(lines.filter { $0.range(of: testLine, options: .regularExpression) != nil }.count, 3, run.stdout)
        XCTAssertEqual(lines.filter { $0.range(of: trainLine, options: .regularExpression) != nil }.count, 8, run.stdout)
        XCTAssertTrue(run.stdout.hasPrefix("Using seed 0\nDKP\n\nTest set: "), "the seed and mode lines, then evaluation lines between blank lines")
        XCTAssertTrue(lines.contains("Train Epoch: 1 [640/2000 (31%)]\tLoss: " + lines.first { $0.hasPrefix("Train Epoch: 1 [640/") }!.suffix(6)))
        XCTAssertTrue(run.stderr.isEmpty, "no progress bar when output is not a terminal: \(run.stderr)")

        let logs = files(under: "results/DKP")
        XCTAssertEqual(logs.count, 1)
        XCTAssertNotNil(logs[0].range(of: #"^\d{6}_\d{6}\.csv$"#, options: .regularExpression), logs[0])
        let csv = try String(contentsOf: directory.appendingPathComponent("results/DKP/\(logs[0])"), encoding: .utf8)
            .utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0.last == 13 ? $0.dropLast() : $0, as: UTF8.self) }
        XCTAssertEqual(csv.count, 4)
        XCTAssertTrue(csv[0].hasPrefix("Namespace(batch_size=64, test_batch_size=1000, epochs=2, lr=0.0001, b_lr=0.0001, gamma=0.95,"), csv[0])
        XCTAssertTrue(csv[0].contains("train_mode='DKP'") && csv[0].contains("n_layers=1") && csv[0].contains("seed=0"), csv[0])
        XCTAssertEqual(csv[1], "Epoch,Training Loss,Test Loss,Test Accuracy")
        XCTAssertEqual(csv[2].split(separator: ",").count, 4)
        XCTAssertTrue(csv[3].hasPrefix("2,"))
    }

    func testSameSeedSameNumbers() throws {
        let a = try train(["--epochs", "1", "--train-mode", "FDFA"]), b = try train(["--epochs", "1", "--train-mode", "FDFA"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
    }

    func testTimingGoesToStandardErrorAndChangesNothingElse() throws {
        let plain = try train(["--epochs", "1", "--train-mode", "FDFA"])
        let timed = try train(["--epochs", "1", "--train-mode", "FDFA", "--timing"])
        XCTAssertEqual(timed.status, 0, timed.stderr)
        XCTAssertEqual(timed.stdout, plain.stdout)
        let line = #"^Timing: \d+\.\d\d s in all: loading \d+\.\d\d s, 2 evaluations \d+\.\d\d s, 32 steps \d+\.\d\d s \(\d+\.\d\d ms a step\), batches \d+\.\d\d s, the rest \d+\.\d\d s\n"#
        XCTAssertNotNil(timed.stderr.range(of: line, options: .regularExpression), timed.stderr)
        // Then the phases of a step, those an FDFA step runs among them.
        let phases = #"\nA step: (perturbations \d+\.\d\d ms, )?forward \d+\.\d\d ms, tangent \d+\.\d\d ms, .*gradients \d+\.\d\d ms, update \d+\.\d\d ms.*\n$"#
        XCTAssertNotNil(timed.stderr.range(of: phases, options: .regularExpression), timed.stderr)
    }

    func testDryRunTrainsOneBatchPerEpoch() throws {
        let run = try train(["--epochs", "3", "--dry-run", "--train-mode", "FG-A"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.components(separatedBy: "Train Epoch:").count - 1, 3)
    }

    func testResumeGivesTheSameNumbersAsAnUninterruptedRun() throws {
        let straight = try train(["--epochs", "3", "--train-mode", "FDFA", "--log-dir", directory.appendingPathComponent("a").path])
        XCTAssertEqual(straight.status, 0, straight.stderr)
        let checkpoints = directory.appendingPathComponent("ckpt").path
        let first = try train(["--epochs", "1", "--train-mode", "FDFA", "--checkpoint", checkpoints,
                               "--log-dir", directory.appendingPathComponent("b").path])
        XCTAssertEqual(first.status, 0, first.stderr)
        // The same --log-dir: the checkpoint names its log, the run's flags say where logs are.
        let resumed = try train(["--epochs", "3", "--train-mode", "FDFA", "--checkpoint", checkpoints,
                                 "--resume", checkpoints + "/checkpoint.safetensors", "--log-dir", directory.appendingPathComponent("b").path])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        func testLines(_ s: String) -> [Substring] { s.split(separator: "\n").filter { $0.hasPrefix("Test set") } }
        XCTAssertEqual(testLines(straight.stdout).suffix(2), testLines(resumed.stdout).suffix(2))
        let csvB = try String(contentsOf: directory.appendingPathComponent("b/FDFA/\(files(under: "b/FDFA")[0])"), encoding: .utf8)
        let csvA = try String(contentsOf: directory.appendingPathComponent("a/FDFA/\(files(under: "a/FDFA")[0])"), encoding: .utf8)
        XCTAssertEqual(csvA.split(separator: "\n").dropFirst(), csvB.split(separator: "\n").dropFirst(), "the resumed run continues its CSV")
    }

    /// A resume keeps the flags its run was started with: another setting is refused (it would be
    /// ignored, the checkpoint's optimisers and generators going on as they were), and --epochs at
    /// or below the checkpoint's says there is nothing to train.
    func testResumeRefusesOtherFlagsAndSaysWhenNothingIsLeft() throws {
        let checkpoints = directory.appendingPathComponent("ckpt").path, logs = directory.appendingPathComponent("b").path
        let run = ["--train-mode", "FDFA", "--checkpoint", checkpoints, "--log-dir", logs]
        XCTAssertEqual(try train(["--epochs", "2"] + run).status, 0)
        let resume = run + ["--resume", checkpoints + "/checkpoint.safetensors"]
        for (flag, field) in [(["--lr", "0.1"], "lr=0.1"), (["--seed", "5"], "seed=5"), (["--gamma", "0.5"], "gamma=0.5")] {
            let changed = try train(["--epochs", "3"] + resume + flag)
            XCTAssertNotEqual(changed.status, 0, "\(flag)")
            XCTAssertTrue(changed.stderr.contains("a run started with other flags (this one has \(field);"), changed.stderr)
        }
        let done = try train(["--epochs", "1"] + resume)
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertTrue(done.stdout.contains("Nothing to train: the run is at epoch 2 and --epochs is 1."), done.stdout)
    }

    func testBadInputIsAClearErrorWithNonZeroStatus() throws {
        let mode = try train(["--train-mode", "SGD"])
        XCTAssertNotEqual(mode.status, 0)
        XCTAssertEqual(mode.status, 64, "a usage error")
        XCTAssertTrue(mode.stderr.contains("The value 'SGD' is invalid for '--train-mode <train-mode>'"), mode.stderr)
        XCTAssertTrue(mode.stderr.contains("- FDFA-EMA"), "the choices are listed: \(mode.stderr)")

        let missing = try FDFAProcess.run(["train", "--dataset", "MNIST", "--data-dir", directory.path, "--epochs", "1"], in: directory)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("train-images-idx3-ubyte"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("fdfa download"), missing.stderr)

        let corrupt = directory.appendingPathComponent("bad.safetensors")
        try Data("garbage".utf8).write(to: corrupt)
        let resume = try train(["--epochs", "1", "--resume", corrupt.path])
        XCTAssertNotEqual(resume.status, 0)
        XCTAssertTrue(resume.stderr.contains(corrupt.path), resume.stderr)
    }

    /// --train-mode and --dataset are choices: help lists them (the rules from the engine's registry),
    /// every spelling accepted before still is, and FG-W brings its own defaults (lr 1e-3, one hidden layer).
    func testModesAndDatasetsAreChoicesWithTheirSpellingsAndDefaults() throws {
        let help = try FDFAProcess.run(["train", "--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(words.contains("(values: BP, DFA, DKP, FDFA, FG-W, FG-A, FA, FDFA-EMA; default: FDFA)"), help.stdout)
        XCTAssertTrue(words.contains("(values: MNIST, FashionMNIST, CIFAR10, CIFAR100, synthetic; default: MNIST)"), help.stdout)

        let logs = directory.appendingPathComponent("spellings").path
        for (mode, dataset, shown) in [("fdfa_ema", "Synthetic", "FDFA-EMA"), ("FDFAEMA", "SYNTHETIC", "FDFA-EMA"),
                                       ("fg_a", "synthetic", "FG-A"), ("dkp", "synthetic", "DKP")] {
            let run = try FDFAProcess.run(["train", "--dataset", dataset, "--train-mode", mode, "--n-layers", "1",
                                           "--epochs", "0", "--log-dir", logs], in: directory)
            XCTAssertEqual(run.status, 0, "\(mode) \(dataset): \(run.stderr)")
            XCTAssertTrue(run.stdout.hasPrefix(shown + "\n"), "\(mode): \(run.stdout)")
        }
        let fgw = try FDFAProcess.run(["train", "--dataset", "synthetic", "--train-mode", "fgw", "--epochs", "0",
                                       "--log-dir", logs], in: directory)
        XCTAssertEqual(fgw.status, 0, fgw.stderr)
        let file = try XCTUnwrap(files(under: "spellings/FG-W").first)
        let csv = try String(contentsOf: directory.appendingPathComponent("spellings/FG-W/\(file)"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("Namespace(batch_size=64, test_batch_size=1000, epochs=0, lr=0.001,"), csv)
        XCTAssertTrue(csv.contains("train_mode='FG-W', log_dir='\(logs)', dataset='synthetic', conv=False, n_layers=1,"), csv)

        let unknown = try FDFAProcess.run(["train", "--dataset", "imagenet"], in: directory)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("The value 'imagenet' is invalid for '--dataset <dataset>'"), unknown.stderr)
        XCTAssertEqual(unknown.stdout, "")
    }

    func testDivergingRunStopsWithAClearMessageAndKeepsTheLastCheckpoint() throws {
        let checkpoints = directory.appendingPathComponent("ckpt").path
        let run = try train(["--epochs", "3", "--train-mode", "BP", "--lr", "1e30", "--checkpoint", checkpoints])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("diverged"), run.stderr)
        XCTAssertTrue(run.stderr.contains("non-finite"), run.stderr)
    }

    func testCtrlCStopsBetweenStepsKeepsTheCheckpointAndExits130() throws {
        let checkpoints = directory.appendingPathComponent("ckpt").path
        let err = Pipe()
        let process = try FDFAProcess.start(["train", "--dataset", "synthetic", "--n-layers", "1", "--seed", "0", "--epochs", "500",
                                             "--log-dir", directory.appendingPathComponent("results").path, "--checkpoint", checkpoints],
                                            stderr: err)
        // Wait until at least one epoch has been checkpointed, then press Ctrl-C.
        let file = checkpoints + "/checkpoint.safetensors"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: file), Date() < deadline, process.isRunning { usleep(50_000) }
        XCTAssertTrue(process.isRunning, "training ended before it could be interrupted")
        process.interrupt()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("Interrupted during epoch"), message)
        XCTAssertTrue(message.contains("is intact"), message)
        let resumed = try train(["--epochs", "1", "--resume", file])
        XCTAssertEqual(resumed.status, 0, "the kept checkpoint loads: \(resumed.stderr)")
    }

    func testTrackingWritesItsCSVWithoutChangingTheRun() throws {
        let plain = try train(["--epochs", "1", "--train-mode", "FDFA"])
        let tracked = try train(["--epochs", "1", "--train-mode", "FDFA", "--track", "cos,align", "--track-every", "8",
                                 "--log-dir", directory.appendingPathComponent("tracked").path])
        XCTAssertEqual(tracked.status, 0, tracked.stderr)
        XCTAssertEqual(plain.stdout, tracked.stdout)
        let track = files(under: "tracked/FDFA").filter { $0.hasSuffix("-track.csv") }
        XCTAssertEqual(track.count, 1)
        let rows = try String(contentsOf: directory.appendingPathComponent("tracked/FDFA/\(track[0])"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(rows[0].hasPrefix("step,epoch,cos_delta_1"), String(rows[0]))
        XCTAssertEqual(rows.count, 1 + 5) // steps 0, 8, 16, 24, 32
    }

    func testBenchPrintsJSONLines() throws {
        let objects = try benchJSON(["--arch", "fc2", "--rule", "BP,FDFA", "--warmup", "1", "--repeats", "2"])
        XCTAssertEqual(objects.count, 2)
        for object in objects {
            for key in ["arch", "rule", "batch", "step_ms", "floor_ms", "ratio", "rss_mb"] { XCTAssertNotNil(object[key], key) }
            XCTAssertGreaterThan(object["step_ms"] as! Double, 0)
        }
    }

    /// `--layers`: under each case, a row per layer of its network (fc2: flatten, then two blocks of
    /// linear, BatchNorm, ReLU and tap, then the output layer), as JSON lines or a table.
    /// The objects `fdfa bench ARGS --json` prints, one a line.
    private func benchJSON(_ arguments: [String]) throws -> [[String: Any]] {
        let run = try FDFAProcess.run(["bench"] + arguments + ["--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return try run.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    func testBenchProfilesEveryLayer() throws {
        let objects = try benchJSON(["--arch", "fc2", "--rule", "BP", "--warmup", "0", "--repeats", "1", "--layers"])
        XCTAssertEqual(objects.count, 1 + 10)
        XCTAssertNotNil(objects[0]["step_ms"])
        XCTAssertEqual(objects.dropFirst().map { $0["layer"] as? Int }, Array(1 ... 10))
        XCTAssertEqual(objects[2]["name"] as? String, "Linear(784 → 800)")
        XCTAssertGreaterThan(objects[2]["forward_ms"] as! Double, 0)
        // The first Linear (after the Flatten) makes no input gradient, as in training.
        XCTAssertEqual(objects[2]["adjoint_flops"] as? Double, objects[2]["forward_flops"] as? Double)
        let table = try FDFAProcess.run(["bench", "--arch", "fc2", "--rule", "BP", "--warmup", "0", "--repeats", "1", "--layers"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("2 Linear(784 → 800)"), table.stdout)
        XCTAssertTrue(table.stdout.contains("all layers' maps"), table.stdout)
    }

    func testBenchCutsTheStepIntoItsPhases() throws {
        let objects = try benchJSON(["--arch", "fc2", "--rule", "FDFA", "--warmup", "0", "--repeats", "2", "--phases"])
        XCTAssertEqual(objects.count, 1 + 7)
        let step = try XCTUnwrap(objects[0]["step_ms"] as? Double)
        let phases = objects.dropFirst()
        XCTAssertEqual(phases.map { $0["phase"] as? String },
                       ["perturbations", "forward", "tangent", "loss", "gradients", "update", "rule update"])
        XCTAssertGreaterThan(phases[2]["ms"] as! Double, 0)   // FDFA's forward pass
        XCTAssertGreaterThan(phases[3]["ms"] as! Double, 0)   // and its tangent
        // Medians of the parts of two steps against the median step: close, not equal.
        let sum = phases.reduce(0) { $0 + ($1["ms"] as! Double) }
        XCTAssertEqual(sum, step, accuracy: 0.5 * step)
        let table = try FDFAProcess.run(["bench", "--arch", "fc2", "--rule", "BP", "--warmup", "0", "--repeats", "1", "--phases"])
        XCTAssertEqual(table.status, 0, table.stderr)
        for name in ["perturbations", "forward", "tangent", "gradients", "rule update", "phases "] {
            XCTAssertTrue(table.stdout.contains(name), table.stdout)
        }
    }

    /// The arguments line and the dry-run row as the original writes them (its own CSV in the fixtures).
    func testArgumentsAndDryRunRowAreLoggedAsTheOriginalLogsThem() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FDFATrainingTests/Fixtures")
        let flags = ["--train-mode=BP", "--epochs=1", "--dry-run", "--n-layers=1", "--seed=-1", "--weight-decay=0.0001",
                     "--lr=0.123456789", "--gamma=1e-5", "--b-lr=2e16"]
        let logs = directory.appendingPathComponent("logs").path
        let run = try FDFAProcess.run(["train", "--dataset", "synthetic", "--log-dir", logs + "/"] + flags, in: directory)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("BP\n\nTest set: "), run.stdout)
        let file = try XCTUnwrap(files(under: "logs/BP").first)
        let csv = try String(contentsOf: directory.appendingPathComponent("logs/BP/\(file)"), encoding: .utf8)
            .replacingOccurrences(of: logs, with: "LOGDIR").replacingOccurrences(of: "'synthetic'", with: "'MNIST'")
        // The original's own CSV for the same flags but three (lr, gamma, b_lr: from its other runs).
        let original = try String(contentsOf: fixtures.appendingPathComponent("original-csv-fc-BP.txt"), encoding: .utf8)
        // By bytes: Swift reads "\r\n" as one character, so a split on "\n" would not cut there.
        func split(_ text: String) -> [String] {
            text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        let lines = split(csv), want = split(original)
        guard lines.count == 4, want.count == 4 else { return XCTFail("expected 3 lines and a final newline:\n\(csv)\n\(original)") }
        XCTAssertEqual(lines[0], want[0].replacingOccurrences(of: "lr=0.0001, b_lr=0.0001, gamma=0.95",
                                                              with: "lr=0.123456789, b_lr=2e+16, gamma=1e-05"))
        XCTAssertEqual(lines[1], want[1])
        XCTAssertTrue(want[2].hasPrefix("1,0.0,") && want[2].hasSuffix("\r"), want[2])
        XCTAssertTrue(lines[2].hasPrefix("1,0.0,") && lines[2].hasSuffix("\r"), lines[2])
    }

    func testInitStartsFromSavedWeightsAndNamesATensorThatDoesNotFit() throws {
        let first = try train(["--epochs", "1", "--train-mode", "BP", "--checkpoint", directory.appendingPathComponent("a").path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let weights = directory.appendingPathComponent("a/checkpoint.safetensors").path
        let started = try train(["--epochs", "0", "--train-mode", "BP", "--init", weights])
        XCTAssertEqual(started.status, 0, started.stderr)
        func testLines(_ s: String) -> [Substring] { s.split(separator: "\n").filter { $0.hasPrefix("Test set") } }
        XCTAssertEqual(testLines(started.stdout), [testLines(first.stdout).last!])
        let wider = try train(["--epochs", "0", "--train-mode", "BP", "--n-layers", "2", "--init", weights])
        XCTAssertNotEqual(wider.status, 0)
        XCTAssertTrue(wider.stderr.contains("'fc_hidden.1.weight' is missing"), wider.stderr)
    }
}
