import Foundation
import XCTest

/// What a user types or a disk does ends in a clear error, never a trap, a hang or a false word.
final class CommandLineErrorTests: CommandLineTestCase {
    func testEveryNumericOptionIsRangeChecked() throws {
        let train = ["train", "--dataset", "synthetic", "--log-dir", directory.appendingPathComponent("r").path]
        let cases: [([String], String)] = [
            (train + ["--batch-size", "2147483648"], "--batch-size must be between 1 and 65536, got 2147483648"),
            (train + ["--batch-size", String(Int.max)], "--batch-size must be between 1 and 65536"),
            (train + ["--n-layers", "1000000"], "--n-layers must be between 1 and 100, got 1000000"),
            (train + ["--epochs", String(Int.max), "--dry-run"], "--epochs must be between 0 and 10000"),
            (train + ["--log-interval", "0"], "--log-interval must be between 1"),
            (train + ["--lr", "nan"], "--lr must be a finite number at least 0, got nan"),
            (train + ["--track", "cos,bogus"], "The value 'cos,bogus' is invalid for '--track <track>': unknown quantity 'bogus' to track"),
            (["study", "--widths", "100000000"], "--widths: '100000000' is not a whole number between 1 and 16384"),
            (["study", "--steps=-1"], "--steps must be between 1 and 10000, got -1"),
            (["bench", "--batch", "1000000000"], "Error: --batch: '1000000000' is not a whole number between 1 and 65536"),
            (["bench", "--batch", "0"], "Error: --batch: '0' is not a whole number between 1 and 65536"),
            (["bench", "--arch", "conv", "--batch", "60000"], "a batch of 60000 needs about"),
            (["bench", "--warmup=-1"], "--warmup must be between 0 and 100000, got -1"),
            (["bench", "--warmup", "-1"], "--warmup must be between 0 and 100000, got -1"),
            (["bench", "--repeats", "0"], "--repeats must be between 1 and 100000, got 0"),
            (["bench", "--arch", "fc3"], "--arch: 'fc3' is not one of fc2, conv"),
            (["replay", "n.md", "--tolerance", "-1"], "--tolerance must be a finite number at least 0, got -1.0"),
            (["replay", "n.md", "--tolerance", "nan"], "--tolerance must be a finite number at least 0, got nan"),
            // A misspelt command is named as one, not taken for the REPL's arguments.
            (["swep", "report", "x"], "unknown command 'swep' (did you mean 'sweep'?); the commands are repl, run,"),
            (["trian", "--epochs", "1"], "unknown command 'trian'"),
            (["help", "nonsense"], "unknown command 'nonsense'"),
        ]
        for (arguments, expected) in cases {
            let output = try FDFAProcess.run(arguments, in: directory)
            XCTAssertEqual(output.status, 64, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(expected), "\(arguments): \(output.stderr)")
            XCTAssertEqual(output.stdout, "", "\(arguments): it began before refusing")
        }
    }

    /// A negative number is a value, as argparse reads it: `--seed -1` is the documented unseeded
    /// run, and `--lr -1` is refused by its range check, not as an unknown flag or a missing value.
    func testNegativeNumbersAreValues() throws {
        let train = ["train", "--dataset", "synthetic", "--n-layers", "1", "--epochs", "1", "--dry-run",
                     "--log-dir", directory.appendingPathComponent("r").path]
        let unseeded = try FDFAProcess.run(train + ["--seed", "-1"], in: directory)
        XCTAssertEqual(unseeded.status, 0, unseeded.stderr)
        XCTAssertTrue(unseeded.stdout.hasPrefix("FDFA\n"), "no 'Using seed' line for a negative seed: \(unseeded.stdout)")
        for (option, expected) in [("--lr", "--lr must be a finite number at least 0, got -1"),
                                   ("--epochs", "--epochs must be between 0 and 10000, got -1"),
                                   ("--threads", "--threads must be at least 1, got -1")] {
            let output = try FDFAProcess.run(train + [option, "-1"], in: directory)
            XCTAssertEqual(output.status, 64, output.stderr)
            XCTAssertTrue(output.stderr.contains(expected), "\(option): \(output.stderr)")
        }
        let sweep = try FDFAProcess.run(["sweep", "--out", directory.appendingPathComponent("s").path, "--dataset", "synthetic",
                                         "--n-layers", "1", "--epochs", "1", "--dry-run", "--seed", "-1,0"], in: directory)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        XCTAssertTrue(sweep.stdout.contains("all 2 runs finished"), sweep.stdout)
        let out = directory.appendingPathComponent("t").path
        let refused: [([String], String)] = [
            (["sweep", "--out", out, "--jobs", "-1"], "--jobs must be at least 1, got -1"),
            (["sweep", "--out", out, "--threads", "-2"], "--threads must be at least 1, got -2"),
            (["sweep", "--out", out, "--task", "-1"], "--task must not be negative, got -1"),
            (["sweep", "--out", out, "--slurm-cpus", "-1"], "--slurm-cpus must be at least 1, got -1"),
            (["download", "mnist", "--timeout", "-1"], "--timeout must be a number of seconds above 0 and at most 86400 (a day), got -1.0"),
            (["download", "mnist", "--timeout", "nan"], "--timeout must be a number of seconds above 0 and at most 86400 (a day), got nan"),
            (["study", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'"),
            (["study", "--draws", "-1"], "--draws must be between 1 and 100000, got -1"),
            (["run", "x.fdfa", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'"),
        ]
        for (arguments, expected) in refused {
            let output = try FDFAProcess.run(arguments, in: directory)
            XCTAssertEqual(output.status, 64, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(expected), "\(arguments): \(output.stderr)")
        }
    }

    /// A sweep of one run says so in English.
    func testASweepOfOneRun() throws {
        let sweep = try FDFAProcess.run(["sweep", "--out", directory.appendingPathComponent("s").path, "--dataset", "synthetic",
                                         "--n-layers", "1", "--epochs", "1", "--dry-run"], in: directory)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        XCTAssertTrue(sweep.stdout.contains(": 1 run, 1 to run"), sweep.stdout)
        XCTAssertTrue(sweep.stdout.contains(": its one run finished."), sweep.stdout)
    }

    /// A log or checkpoint directory that cannot be made says which and why, and a checkpoint
    /// directory is checked before any training, so no epoch is spent for nothing.
    func testUnwritableDirectoriesAreNamedBeforeTraining() throws {
        let file = directory.appendingPathComponent("file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let train = ["train", "--dataset", "synthetic", "--n-layers", "1", "--epochs", "1", "--dry-run"]
        let cases: [([String], String)] = [
            (["--log-dir", file], "cannot create the directory \(file)/FDFA: Not a directory"),
            (["--log-dir", directory.appendingPathComponent("r").path, "--checkpoint", file],
             "cannot create the directory \(file): a file of that name is in the way"),
            (["--log-dir", directory.appendingPathComponent("r").path, "--checkpoint", file + "/c"],
             "cannot create the directory \(file)/c: Not a directory"),
        ]
        for (arguments, expected) in cases {
            let output = try FDFAProcess.run(train + arguments, in: directory)
            XCTAssertEqual(output.status, 1, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(expected), "\(arguments): \(output.stderr)")
            XCTAssertFalse(output.stdout.contains("Train Epoch"), "\(arguments): it trained before failing: \(output.stdout)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("r").path),
                       "no log is left by a run that could not start")
        let sweepFile = try FDFAProcess.run(["sweep", "--out", directory.appendingPathComponent("s").path, "--file", directory.path])
        XCTAssertEqual(sweepFile.status, 64, sweepFile.stderr)
        XCTAssertTrue(sweepFile.stderr.contains("cannot read \(directory.path): it is a directory"), sweepFile.stderr)
        let sweepOut = try FDFAProcess.run(["sweep", "--out", file, "--dataset", "synthetic", "--dry-run"])
        XCTAssertTrue(sweepOut.stderr.contains("cannot create the directory \(file): a file of that name is in the way"), sweepOut.stderr)
        let study = try FDFAProcess.run(["study", "--output", file, "--dataset", "synthetic", "--steps", "1", "--widths", "8", "--draws", "1"])
        XCTAssertEqual(study.status, 1, study.stderr)
        XCTAssertTrue(study.stderr.contains("cannot create the directory \(file): a file of that name is in the way"), study.stderr)
    }

    /// The help says synthetic is never downloaded; asking for it says so instead of "0 file(s) ready".
    func testDownloadingTheSyntheticDataSaysThereIsNothingToDownload() throws {
        let output = try FDFAProcess.run(["download", "synthetic", "--data-dir", directory.path])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "synthetic is generated by fdfa itself: there is nothing to download\n")
    }

    /// A fresh run never overwrites the checkpoint of an earlier run in its --checkpoint directory.
    func testAFreshRunLeavesAnEarlierRunsCheckpointAlone() throws {
        let checkpoint = directory.appendingPathComponent("c/checkpoint.safetensors")
        func train(epochs: Int, seed: Int) -> [String] {
            ["train", "--dataset", "synthetic", "--n-layers", "1", "--epochs", String(epochs), "--dry-run", "--seed", String(seed),
             "--log-dir", directory.appendingPathComponent("r").path, "--checkpoint", directory.appendingPathComponent("c").path]
        }
        let first = try FDFAProcess.run(train(epochs: 1, seed: 0), in: directory)
        XCTAssertEqual(first.status, 0, first.stderr)
        let saved = try Data(contentsOf: checkpoint)
        let again = try FDFAProcess.run(train(epochs: 1, seed: 1), in: directory)
        XCTAssertEqual(again.status, 1, again.stderr)
        XCTAssertTrue(again.stderr.contains("\(checkpoint.path) holds the state of an earlier run: continue it with --resume"), again.stderr)
        XCTAssertFalse(again.stdout.contains("Train Epoch"), again.stdout)
        XCTAssertEqual(try Data(contentsOf: checkpoint), saved)
        let resumed = try FDFAProcess.run(train(epochs: 2, seed: 0) + ["--resume", checkpoint.path], in: directory)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("Train Epoch: 2 "), resumed.stdout)
    }

    func testVersionAndRuntimeErrorsWithoutTheUsageLine() throws {
        let version = try FDFAProcess.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertNotNil(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression), version.stdout)
        for arguments in [["run", "missing.fdfa"], ["replay", "missing.md"], ["kernel", "-f", "missing.json"]] {
            let command = arguments[0]
            let output = try FDFAProcess.run(arguments.dropLast() + [directory.appendingPathComponent(arguments.last!).path])
            XCTAssertEqual(output.status, 1, output.stderr)
            XCTAssertTrue(output.stderr.contains("cannot read"), output.stderr)
            XCTAssertFalse(output.stderr.contains("Usage"), "\(command): a runtime error is not a usage error: \(output.stderr)")
        }
    }

    /// Ctrl-C in the first epoch of a run with --checkpoint: no checkpoint exists yet, and the
    /// message says so instead of calling one intact.
    func testCtrlCBeforeTheFirstCheckpointSaysNoneWasWritten() throws {
        let process = Process()
        process.executableURL = FDFAProcess.binary
        process.arguments = ["train", "--dataset", "synthetic", "--n-layers", "1", "--seed", "0", "--epochs", "1",
                             "--batch-size", "2", "--log-interval", "1", "--log-dir", directory.appendingPathComponent("r").path,
                             "--checkpoint", directory.appendingPathComponent("ckpt").path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // The first console line of epoch 1 means the handler is in place and the epoch under way.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("Train Epoch: 1 [2/") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        process.interrupt()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("Interrupted during epoch 1"), message)
        XCTAssertTrue(message.contains("No checkpoint was written"), message)
        XCTAssertFalse(message.contains("intact"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("ckpt/checkpoint.safetensors").path))
    }

    /// A full disk (a small tmpfs, mounted in a private mount namespace): every write says which
    /// file and that the disk is full, no half row is left, and no temporary stays behind.
    func testAFullDiskIsAClearErrorAndLeavesNoHalfRows() throws {
        let probe = try runShell("mount -t tmpfs -o size=64k tmpfs \"$1\"", directory.path)
        try XCTSkipUnless(probe.status == 0, "cannot mount a tmpfs here (needs unshare and mount rights): \(probe.output)")
        let fdfa = FDFAProcess.binary.path
        let base = "\"\(fdfa)\" train --dataset synthetic --n-layers 1 --seed 0 --log-dir \"$1/r\" --log-interval 1000"
        // 16 KiB is four pages: the log, and three for the tracked rows (some 150 steps).
        for (name, size, flags, expectedFile) in [
            ("track", "16k", "--epochs 20 --track cos --track-every 1", "-track.csv"),
            ("checkpoint", "64k", "--epochs 2 --checkpoint \"$1/ckpt\"", "checkpoint.safetensors"),
        ] {
            let saved = directory.appendingPathComponent(name).path
            let script = """
            mount -t tmpfs -o size=\(size) tmpfs "$1" || exit 99
            \(base) \(flags) 2>"$1/../\(name).err" >/dev/null
            echo "status $?"
            mkdir -p "\(saved)" && cp -r "$1/." "\(saved)/"
            """
            let mountPoint = directory.appendingPathComponent("disk-\(name)")
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
            let result = try runShell(script, mountPoint.path)
            let stderr = try String(contentsOfFile: directory.appendingPathComponent("\(name).err").path, encoding: .utf8)
            XCTAssertTrue(result.output.contains("status 1"), "\(name): \(result.output) \(stderr)")
            XCTAssertNotNil(stderr.range(of: #"cannot write \S*\#(expectedFile): the disk is full"#, options: .regularExpression), "\(name): \(stderr)")
            XCTAssertFalse(stderr.contains("NSCocoaErrorDomain") || stderr.contains("Fatal error"), stderr)
            let files = FileManager.default.enumerator(atPath: saved)?.allObjects as? [String] ?? []
            var rows = 0
            for file in files where file.hasSuffix(".csv") {
                let text = try String(contentsOfFile: saved + "/" + file, encoding: .utf8)
                XCTAssertTrue(text.isEmpty || text.utf8.last == UInt8(ascii: "\n"), "\(name): \(file) ends in half a row")
                rows += text.split(whereSeparator: \.isNewline).count
            }
            XCTAssertGreaterThan(rows, 2, "\(name): nothing was written before the disk filled")
            XCTAssertFalse(files.contains { $0.hasSuffix(".tmp") || $0.contains(".nosync") }, "\(name): \(files)")
        }
    }

    /// Runs `script` with `sh` in a private mount namespace (root, or an unprivileged user namespace), `argument` as $1.
    func runShell(_ script: String, _ argument: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = (getuid() == 0 ? ["-m"] : ["-r", "-m"]) + ["sh", "-c", script, "sh", argument]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return (127, "no /usr/bin/unshare") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
