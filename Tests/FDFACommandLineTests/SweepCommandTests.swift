import Foundation
import XCTest

final class SweepCommandTests: CommandLineTestCase {
    /// The grid of the tests: 2 rules × 3 seeds of a one-hidden-layer net on the synthetic data, 2 epochs.
    let grid = ["--dataset", "synthetic", "--n-layers", "1", "--epochs", "2", "--log-interval", "10",
                "--train-mode", "FDFA,DFA", "--seed", "0..2"]
    var out: String { directory.appendingPathComponent("sweep").path }
    var sweepArguments: [String] { ["sweep", "--out", out, "--jobs", "2", "--threads", "2"] + grid }

    func folder(_ mode: String, _ seed: Int) -> String { out + "/train-mode=\(mode)_seed=\(seed)" }
    var runFolders: [String] { ["FDFA", "DFA"].flatMap { mode in (0..<3).map { folder(mode, $0) } } }
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// SIGKILL the sweep while a run is between epochs (checkpointed, not finished), run the same command
    /// again, and compare every run with a standalone `fdfa train` of the same flags and threads.
    func testKilledSweepResumesAndEveryRunEqualsAStandaloneTrain() throws {
        let sweep = try FDFAProcess.start(sweepArguments, in: directory)
        let deadline = Date().addingTimeInterval(300)
        var cut = false
        while sweep.isRunning, Date() < deadline {
            if runFolders.contains(where: { exists($0 + "/checkpoint.safetensors") && !exists($0 + "/result.json") }) {
                kill(sweep.processIdentifier, SIGKILL)
                cut = true
                break
            }
            usleep(5_000)
        }
        sweep.waitUntilExit()
        XCTAssertTrue(cut, "the sweep ended before a run was caught between two epochs")
        XCTAssertTrue(waitUntil { self.trainingsRunning().isEmpty }, "trainings outlived the killed sweep: \(trainingsRunning())")
        let finishedBefore = runFolders.filter { exists($0 + "/result.json") }.count
        XCTAssertLessThan(finishedBefore, 6)

        let partial = try FDFAProcess.run(["sweep", "report", out])
        XCTAssertEqual(partial.status, 0, partial.stderr)
        XCTAssertTrue(partial.stdout.contains("\(finishedBefore) of 6 runs finished"), partial.stdout)
        XCTAssertTrue(partial.stderr.contains("Missing \(6 - finishedBefore) run"), partial.stderr)

        let resumed = try FDFAProcess.run(sweepArguments, in: directory)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("\(6 - finishedBefore) to run"), resumed.stdout)
        XCTAssertTrue(resumed.stdout.contains("resuming after epoch "), resumed.stdout)
        XCTAssertEqual(resumed.stdout.components(separatedBy: ": finished, test accuracy").count - 1, 6 - finishedBefore, resumed.stdout)

        for mode in ["FDFA", "DFA"] {
            for seed in 0..<3 {
                let standaloneLogs = directory.appendingPathComponent("standalone-\(mode)-\(seed)").path
                let standalone = try FDFAProcess.run(["train", "--dataset", "synthetic", "--n-layers", "1", "--epochs", "2",
                                                      "--log-interval", "10", "--train-mode", mode, "--seed", "\(seed)",
                                                      "--threads", "1", "--log-dir", standaloneLogs], in: directory)
                XCTAssertEqual(standalone.status, 0, standalone.stderr)
                let expected = try csvLines(under: standaloneLogs)
                let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder(mode, seed) + "/result.json"))) as! [String: Any]
                let swept = try String(contentsOfFile: folder(mode, seed) + "/" + (result["csv"] as! String), encoding: .utf8)
                    .split(whereSeparator: \.isNewline).map(String.init)
                XCTAssertEqual(swept.count, 4, "arguments, header and one row per epoch, none twice: \(swept)")
                XCTAssertEqual(Array(swept.dropFirst()), Array(expected.dropFirst()), "\(mode) seed \(seed)")
                XCTAssertEqual(result["finalTestAccuracy"] as? Double, Double(expected[3].split(separator: ",")[3]))
            }
        }
        try checkReport(against: runFolders)
    }

    /// Ctrl-C (SIGINT to the sweep alone: it passes it on) stops the trainings between steps with their
    /// checkpoints intact and exits 130; the same command then finishes the sweep, resuming both runs.
    func testInterruptedSweepExits130AndTheSameCommandFinishesIt() throws {
        let arguments = ["sweep", "--out", out, "--jobs", "2", "--threads", "2", "--dataset", "synthetic", "--n-layers", "1",
                         "--epochs", "3", "--train-mode", "FDFA", "--seed", "0,1"]
        let err = Pipe()
        let sweep = try FDFAProcess.start(arguments, stderr: err)
        let folders = [out + "/seed=0", out + "/seed=1"]
        while sweep.isRunning, !folders.allSatisfy({ exists($0 + "/checkpoint.safetensors") }) { usleep(5_000) }
        sweep.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sweep.waitUntilExit()
        XCTAssertEqual(sweep.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("Sweep interrupted: 0 of 2 runs finished"), stderr)
        XCTAssertTrue(trainingsRunning().isEmpty)
        XCTAssertFalse(folders.contains { exists($0 + "/result.json") })

        let again = try FDFAProcess.run(arguments)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout.components(separatedBy: ": resuming after epoch").count - 1, 2, again.stdout)
        XCTAssertTrue(folders.allSatisfy { exists($0 + "/result.json") })
    }

    /// A kill between a run's CSV row and its checkpoint leaves a row the checkpoint does not hold: the
    /// resumed run must cut it, not log that epoch twice. Set up by hand: the checkpoint after epoch 1 of
    /// the run's own training, then a stray row after it.
    func testARowLoggedAfterTheLastCheckpointIsNotDoubled() throws {
        let flags = ["--dataset", "synthetic", "--n-layers", "1", "--epochs", "2", "--train-mode", "FDFA", "--seed", "0,1"]
        let planned = try FDFAProcess.run(["sweep", "--out", out, "--slurm", directory.appendingPathComponent("j.sh").path,
                                           "--slurm-cpus", "1"] + flags)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let run = out + "/seed=0"
        let firstEpoch = try FDFAProcess.run(["train", "--dataset", "synthetic", "--n-layers", "1", "--epochs", "1", "--train-mode", "FDFA",
                                              "--seed", "0", "--threads", "1", "--log-dir", run + "/log", "--checkpoint", run])
        XCTAssertEqual(firstEpoch.status, 0, firstEpoch.stderr)
        let log = try XCTUnwrap(FileManager.default.enumerator(atPath: run + "/log")?.allObjects.compactMap { $0 as? String }.first { $0.hasSuffix(".csv") })
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: run + "/log/" + log))
        handle.seekToEndOfFile()
        handle.write(Data("2,0.5,0.5,99.0\n".utf8))
        handle.closeFile()

        let resumed = try FDFAProcess.run(["sweep", "--out", out, "--threads", "1"] + flags)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("seed=0: resuming after epoch 1"), resumed.stdout)
        let standaloneLogs = directory.appendingPathComponent("standalone").path
        let standalone = try FDFAProcess.run(["train", "--dataset", "synthetic", "--n-layers", "1", "--epochs", "2", "--train-mode", "FDFA",
                                              "--seed", "0", "--threads", "1", "--log-dir", standaloneLogs])
        XCTAssertEqual(standalone.status, 0, standalone.stderr)
        let swept = try csvLines(under: run + "/log")
        XCTAssertFalse(swept.contains("2,0.5,0.5,99.0"))
        XCTAssertEqual(Array(swept.dropFirst()), Array(try csvLines(under: standaloneLogs).dropFirst()))
    }

    /// The report's statistics, computed again here from the CSV files with a two-pass formula.
    func checkReport(against folders: [String]) throws {
        let report = try FDFAProcess.run(["sweep", "report", out, "--csv"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let lines = report.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(lines.first, ["train-mode", "n", "final_acc_mean", "final_acc_std", "best_acc_mean", "best_acc_std",
                                     "final_loss_mean", "final_loss_std"])
        XCTAssertEqual(lines.count, 3)
        var finals: [String: [Double]] = [:]
        for mode in ["FDFA", "DFA"] {
            let rows = try (0..<3).map { seed in try csvLines(under: folder(mode, seed) + "/log").dropFirst(2).map { $0.split(separator: ",").map { Double($0)! } } }
            let final = rows.map { $0.last![3] }, best = rows.map { $0.map { $0[3] }.max()! }, loss = rows.map { $0.last![2] }
            finals[mode] = final
            let row = try XCTUnwrap(lines.first { $0.first == mode })
            XCTAssertEqual(row[1], "3")
            for (k, values) in [final, best, loss].enumerated() {
                XCTAssertEqual(Double(row[2 + 2 * k])!, mean(values), accuracy: 1e-9, "\(mode) column \(2 + 2 * k)")
                XCTAssertEqual(Double(row[3 + 2 * k])!, standardDeviation(values), accuracy: 1e-9, "\(mode) column \(3 + 2 * k)")
            }
        }
        let compare = try FDFAProcess.run(["sweep", "report", out, "--csv", "--compare", "FDFA,DFA"])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let cells = compare.stdout.split(separator: "\n")[1].split(separator: ",").map { Double($0)! }
        let differences = zip(finals["FDFA"]!, finals["DFA"]!).map { $0 - $1 }
        let half = 4.302653 * standardDeviation(differences) / 3.0.squareRoot()
        XCTAssertEqual(cells[0], 3)
        XCTAssertEqual(cells[1], mean(differences), accuracy: 1e-9)
        XCTAssertEqual(cells[3], mean(differences) - half, accuracy: 1e-5)
        XCTAssertEqual(cells[4], mean(differences) + half, accuracy: 1e-5)

        let svg = directory.appendingPathComponent("curves.svg").path
        let plotted = try FDFAProcess.run(["sweep", "report", out, "--plot", svg])
        XCTAssertEqual(plotted.status, 0, plotted.stderr)
        XCTAssertTrue(plotted.stdout.contains("| FDFA | 3 | "), plotted.stdout)
        let figure = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertEqual(figure.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertEqual(figure.components(separatedBy: #"<polygon class="band""#).count - 1, 2)
        XCTAssertTrue(figure.contains("train-mode=FDFA (n=3)"))
    }

    /// The Slurm script's directives and command, then the script itself run once per array index (as
    /// Slurm would, with SLURM_ARRAY_TASK_ID set), after which the report finds every run finished.
    func testSlurmScriptIsAJobArrayWhoseTasksRunTheSweep() throws {
        let script = directory.appendingPathComponent("job.sh").path
        let small = ["--dataset", "synthetic", "--n-layers", "1", "--epochs", "1", "--train-mode", "FDFA,DFA", "--seed", "0"]
        let written = try FDFAProcess.run(["sweep", "--out", out, "--slurm", script, "--slurm-cpus", "1",
                                           "--slurm-time", "00:10:00", "--slurm-concurrent", "3"] + small, in: directory)
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertTrue(written.stdout.contains("sbatch \(script)"), written.stdout)
        let text = try String(contentsOfFile: script, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "#!/bin/bash")
        for directive in ["--array=0-1%3", "--cpus-per-task=1", "--time=00:10:00", "--mem=4G", "--ntasks=1",
                          "--output=\(out)/slurm/%A_%a.out", "--job-name=fdfa-sweep"] {
            XCTAssertTrue(lines.contains("#SBATCH \(directive)"), "missing #SBATCH \(directive) in\n\(text)")
        }
        XCTAssertTrue(exists(out + "/slurm"), "Slurm does not create the output folder; the sweep must")
        XCTAssertTrue(exists(out + "/sweep.json"))
        let command = try XCTUnwrap(lines.last)
        XCTAssertTrue(command.hasPrefix(FDFAProcess.binary.resolvingSymlinksInPath().path + " sweep --out \(out) --threads 1 "), command)
        XCTAssertTrue(command.hasSuffix(#" --task "$SLURM_ARRAY_TASK_ID""#), command)
        XCTAssertEqual(try FDFAProcess.run(["sweep", "report", out]).stdout.contains("0 of 2 runs finished"), true)

        for task in 0..<2 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script]
            process.environment = ProcessInfo.processInfo.environment.merging(["SLURM_ARRAY_TASK_ID": "\(task)"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "task \(task)")
        }
        let report = try FDFAProcess.run(["sweep", "report", out])
        XCTAssertTrue(report.stdout.contains("2 of 2 runs finished"), report.stdout + report.stderr)
        XCTAssertTrue(report.stderr.isEmpty, report.stderr)
        // One run per setting: its values alone, no spread (a "± 0.00" would claim one).
        let rows = report.stdout.split(separator: "\n").filter { $0.hasPrefix("| FDFA |") || $0.hasPrefix("| DFA |") }
        XCTAssertEqual(rows.count, 2, report.stdout)
        XCTAssertTrue(rows.allSatisfy { !$0.contains("±") && $0.contains("| 1 |") }, report.stdout)
        let csv = try FDFAProcess.run(["sweep", "report", out, "--csv"]).stdout.split(separator: "\n")
        let cells = csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(cells.count, 2, csv.joined(separator: "\n"))
        XCTAssertTrue(cells.allSatisfy { $0.count == 8 && $0[3].isEmpty && $0[5].isEmpty && $0[7].isEmpty }, csv.joined(separator: "\n"))
    }

    /// A run's line says "after 1 epoch", not "after 1 epochs".
    func testAFinishedRunsLineCountsItsEpochsInWords() throws {
        let output = try FDFAProcess.run(["sweep", "--out", out, "--threads", "1", "--dataset", "synthetic", "--n-layers", "1",
                                          "--epochs", "1", "--dry-run", "--seed", "0,1"])
        XCTAssertEqual(output.status, 0, output.stderr)
        for seed in 0 ... 1 {
            XCTAssertNotNil(output.stdout.range(of: "seed=\(seed): finished, test accuracy [0-9.]+ % after 1 epoch\n",
                                                options: .regularExpression), output.stdout)
        }
    }

    func testBadGridsAreClearErrorsBeforeAnythingRuns() throws {
        let reserved = try FDFAProcess.run(["sweep", "--out", out, "--dataset", "synthetic", "--log-dir", "x"])
        XCTAssertNotEqual(reserved.status, 0)
        XCTAssertTrue(reserved.stderr.contains("--log-dir is set by the sweep"), reserved.stderr)
        let mode = try FDFAProcess.run(["sweep", "--out", out, "--dataset", "synthetic", "--train-mode", "FDFA,SGD"])
        XCTAssertNotEqual(mode.status, 0)
        XCTAssertTrue(mode.stderr.contains("fdfa train --dataset synthetic --train-mode SGD --threads"), mode.stderr)
        XCTAssertTrue(mode.stderr.contains("The value 'SGD' is invalid for '--train-mode <train-mode>'"), mode.stderr)
        let range = try FDFAProcess.run(["sweep", "--out", out, "--seed", "3..1"])
        XCTAssertTrue(range.stderr.contains("'3..1' is not a range"), range.stderr)
        let noEpoch = try FDFAProcess.run(["sweep", "--out", out, "--dataset", "synthetic", "--epochs", "0,1"])
        XCTAssertNotNil(noEpoch.stderr.range(of: "--epochs 0 --threads [0-9]+: a sweep.s runs train at least one epoch", options: .regularExpression), noEpoch.stderr)
        for output in [reserved, mode, range, noEpoch] {
            XCTAssertTrue(output.stderr.contains("Usage: fdfa sweep run "), "the sweep's usage, not fdfa's: \(output.stderr)")
        }
        XCTAssertFalse(exists(out + "/sweep.json"), "nothing is written for a bad grid")
        let compare = try FDFAProcess.run(["sweep", "report", out, "--compare", "FDFA"])
        XCTAssertTrue(compare.stderr.contains("--compare takes two values A,B, got 'FDFA'"), compare.stderr)
        XCTAssertTrue(compare.stderr.contains("Usage: fdfa sweep report "), compare.stderr)

        let first = try FDFAProcess.run(["sweep", "--out", out, "--slurm", directory.appendingPathComponent("a.sh").path,
                                         "--dataset", "synthetic", "--seed", "0..1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let other = try FDFAProcess.run(["sweep", "--out", out, "--slurm", directory.appendingPathComponent("b.sh").path,
                                         "--dataset", "synthetic", "--seed", "0..2"])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("holds another sweep (it has 2 runs, these flags give 3)"), other.stderr)
    }

    func testSweepFileAndSwitchesExpandToTheGrid() throws {
        let file = directory.appendingPathComponent("grid.toml").path
        try "dataset = \"synthetic\"\nseed = \"0..1\"\ntrain-mode = [\"BP\", \"FDFA\"]\nconv = [false, true]\nlr = 3e-4\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let run = try FDFAProcess.run(["sweep", "--out", out, "--file", file, "--slurm", directory.appendingPathComponent("j.sh").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/sweep.json"))) as! [String: Any]
        let runs = manifest["runs"] as! [[String: Any]]
        XCTAssertEqual(runs.count, 8)
        XCTAssertEqual(runs[0]["name"] as? String, "conv=false_seed=0_train-mode=BP")
        XCTAssertEqual(runs[7]["name"] as? String, "conv=true_seed=1_train-mode=FDFA")
        XCTAssertEqual(runs[0]["arguments"] as? [String], ["--dataset", "synthetic", "--lr", "0.0003", "--seed", "0", "--train-mode", "BP", "--threads", "2"])
        XCTAssertEqual(runs[7]["arguments"] as? [String], ["--conv", "--dataset", "synthetic", "--lr", "0.0003", "--seed", "1", "--train-mode", "FDFA", "--threads", "2"])
        let bad = directory.appendingPathComponent("bad.toml").path
        try "seed = [0, 1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let broken = try FDFAProcess.run(["sweep", "--out", out + "2", "--file", bad])
        XCTAssertNotEqual(broken.status, 0)
        XCTAssertTrue(broken.stderr.contains("bad.toml") && broken.stderr.contains("line"), broken.stderr)
    }

    // MARK: Helpers

    /// The lines of the one CSV log under `path` (its rows end in "\r\n", which Swift takes as one
    /// newline character, so a split on "\n" alone would not cut there).
    func csvLines(under path: String) throws -> [String] {
        let files = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".csv") }
        XCTAssertEqual(files.count, 1, "\(path): \(files)")
        return try String(contentsOfFile: path + "/" + files[0], encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
    }

    /// `fdfa train` processes working in this test's folder.
    func trainingsRunning() -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        return pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let command = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            return command.contains(" train ") && command.contains(directory.path) ? command : nil
        }
    }

    func waitUntil(_ condition: () -> Bool) -> Bool {
        for _ in 0..<100 where !condition() { usleep(20_000) }
        return condition()
    }

    func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
    func standardDeviation(_ x: [Double]) -> Double {
        let m = mean(x)
        return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
    }
}
