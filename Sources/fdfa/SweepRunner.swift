import ArgumentParser
import CProcess
import FDFAEngine
import FDFATraining
import Foundation

/// Runs a sweep's trainings, each as a child `fdfa train` (this same executable) in its own folder,
/// `jobs` at a time. A child writes its console to `console.log`, its CSV under `log/` and a
/// checkpoint after every epoch; the runner writes `result.json` (atomically) once the child ended
/// well and its log holds every epoch, which is what marks the run finished.
///
/// Running again after an interruption (Ctrl-C, SIGKILL, a lost node) skips finished runs, resumes a
/// run that has a checkpoint (with the same `--log-dir`, so that `fdfa train --resume` finds its CSV
/// and cuts it back to the checkpoint's epoch itself), and starts afresh a run that had none.
final class SweepRunner {
    let directory: String
    let manifest: SweepManifest
    let jobs: Int
    private let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    private let progress = SweepProgress.forTerminal()

    init(directory: String, manifest: SweepManifest, jobs: Int) {
        self.directory = directory
        self.manifest = manifest
        self.jobs = jobs
    }

    /// A training under way: its child process and what it holds open.
    private struct Active {
        let run: SweepManifest.Run
        let pid: pid_t
        let lock: Int32
        let epochs: Int
        let startEpoch: Int
    }

    /// Runs the runs of `indices` that are not finished. Returns normally when all of them finished;
    /// throws `ExitCode(130)` after an interruption and `CommandFailure` when some failed.
    func run(indices: [Int]) throws {
        let runs = indices.map { manifest.runs[$0] }
        let done = try runs.filter { try SweepResult.read(runDirectory: folder($0)) != nil }
        var pending = runs.filter { run in !done.contains { $0.index == run.index } }
        emit("Sweep \(directory): \(counted(runs.count, "run"))"
             + (done.isEmpty ? "" : ", \(done.count) finished before")
             + (pending.isEmpty ? ", nothing to run." : ", \(pending.count) to run, \(min(jobs, pending.count)) at a time."))
        var active: [pid_t: Active] = [:]
        var failures: [String] = [], skipped: [String] = []
        var interrupted = false
        var finishedNow = 0
        Interrupt.installSignalHandler()
        progress?.begin(total: runs.count, epochsToRun: try pending.map { try epochs(of: $0) }.reduce(0, +))

        while !pending.isEmpty || !active.isEmpty {
            if Interrupt.requested, !interrupted {
                interrupted = true
                pending.removeAll()
                // The terminal's Ctrl-C reaches the children too; a signal sent to the sweep alone is passed on.
                for pid in active.keys { kill(pid, SIGINT) }
            }
            while active.count < jobs, !pending.isEmpty {
                let run = pending.removeFirst()
                do {
                    guard let started = try start(run) else {
                        skipped.append(run.name)
                        continue
                    }
                    active[started.pid] = started
                } catch {
                    failures.append("\(run.name): \(error)")
                }
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0, let ended = active.removeValue(forKey: pid) {
                close(ended.lock)
                progress?.add(epochs: max(logged(in: ended.run) - ended.startEpoch, 0))
                switch finish(ended, status: status) {
                case .finished: finishedNow += 1
                case .failed(let reason) where !interrupted: failures.append(reason)
                case .failed: break  // stopped by the interruption; its checkpoint is intact
                }
                continue
            }
            progress?.draw(finished: done.count + finishedNow, active: active.values.map { ($0.run, logged(in: $0.run), $0.epochs, $0.startEpoch) })
            usleep(100_000)
        }
        progress?.clear()
        if interrupted {
            fputs("Sweep interrupted: \(done.count + finishedNow) of \(counted(runs.count, "run")) finished. Run the same command again to continue.\n", stderr)
            throw ExitCode(130)
        }
        if !skipped.isEmpty {
            throw CommandFailure("skipped, being trained by another process: \(skipped.joined(separator: ", "))")
        }
        if !failures.isEmpty {
            throw CommandFailure("\(counted(failures.count, "run")) failed:\n  " + failures.joined(separator: "\n  "))
        }
        emit("Sweep \(directory): " + (runs.count == 1 ? "its one run finished." : "all \(runs.count) runs finished."))
    }

    /// Prints a line in place of the progress line, which is drawn again on the next tick.
    private func say(_ line: String) {
        progress?.clear()
        emit(line)
    }

    private func folder(_ run: SweepManifest.Run) -> String { SweepDirectory.runFolder(run, in: directory) }

    private func epochs(of run: SweepManifest.Run) throws -> Int { try TrainCommand.parse(run.arguments).epochs }

    /// Rows in the run's CSV so far (its current epoch, for the progress line).
    private func logged(in run: SweepManifest.Run) -> Int {
        SweepDirectory.csvLogs(in: folder(run)).first.flatMap { try? SweepLogRow.read(csv: $0).count } ?? 0
    }

    /// Prepares the run's folder and starts its training; nil when another process holds the run.
    private func start(_ run: SweepManifest.Run) throws -> Active? {
        let folder = folder(run)
        try createDirectory(folder)
        let lock = open(folder + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw SweepError("cannot create \(folder)/.lock: \(String(cString: strerror(errno)))") }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            close(lock)
            return nil
        }
        do {
            var arguments = ["train"] + run.arguments
                + ["--log-dir", SweepDirectory.logDirectory(ofRunFolder: folder), "--checkpoint", folder]
            let checkpoint = folder + "/checkpoint.safetensors"
            var startEpoch = 0
            if FileManager.default.fileExists(atPath: checkpoint) {
                startEpoch = try Self.epochs(inCheckpoint: checkpoint)
                arguments += ["--resume", checkpoint]
                say("\(run.name): resuming after epoch \(startEpoch)")
            } else {
                try? FileManager.default.removeItem(atPath: SweepDirectory.logDirectory(ofRunFolder: folder))
            }
            let console = open(folder + "/console.log", O_WRONLY | O_CREAT | O_CLOEXEC | (startEpoch > 0 ? O_APPEND : O_TRUNC), 0o644)
            guard console >= 0 else { throw SweepError("cannot write \(folder)/console.log: \(String(cString: strerror(errno)))") }
            defer { close(console) }
            let pid = spawn([executable] + arguments, output: console)
            guard pid > 0 else { throw SweepError("cannot start \(executable): \(String(cString: strerror(errno)))") }
            return Active(run: run, pid: pid, lock: lock, epochs: try epochs(of: run), startEpoch: startEpoch)
        } catch {
            close(lock)
            throw error
        }
    }

    private func spawn(_ arguments: [String], output: Int32) -> pid_t {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        return fdfa_spawn_bound_to_parent(executable, &argv, output)
    }

    /// The epochs `checkpoint` holds: where its resumed training starts.
    static func epochs(inCheckpoint checkpoint: String) throws -> Int {
        guard let epochs = try SafeTensors.read(checkpoint).metadata["epochs"].flatMap(Int.init) else {
            throw SweepError("\(checkpoint) does not record its epoch")
        }
        return epochs
    }

    private enum Outcome {
        case finished
        case failed(String)
    }

    /// Records a child that ended (`status` as waitpid gives it): its result when it trained every
    /// epoch, or what went wrong.
    private func finish(_ ended: Active, status: Int32) -> Outcome {
        let folder = folder(ended.run)
        let signal = status & 0x7f, code = (status >> 8) & 0xff
        guard signal == 0, code == 0 else {
            let how = signal != 0 ? "was killed by signal \(signal)" : "exited with status \(code)"
            let tail = (try? String(contentsOfFile: folder + "/console.log", encoding: .utf8))
                .map { $0.split(separator: "\n").suffix(3).joined(separator: "\n    ") } ?? ""
            return .failed("\(ended.run.name) \(how); its console (\(folder)/console.log) ends:\n    \(tail)")
        }
        do {
            let logs = SweepDirectory.csvLogs(in: folder)
            guard logs.count == 1 else { return .failed("\(ended.run.name): expected one CSV log under \(folder)/log, found \(logs.count)") }
            let rows = try SweepLogRow.read(csv: logs[0])
            guard rows.map(\.epoch) == Array(stride(from: 1, through: ended.epochs, by: 1)) else {
                return .failed("\(ended.run.name): its log \(logs[0]) holds epochs \(rows.map(\.epoch)), expected 1 to \(ended.epochs)")
            }
            let relative = String(logs[0].dropFirst(folder.count + 1))
            let result = SweepResult(run: ended.run, csv: relative, rows: rows)
            try result.write(runDirectory: folder)
            say("\(ended.run.name): finished, test accuracy \(String(format: "%.2f", result.finalTestAccuracy)) % after \(counted(rows.count, "epoch"))")
            return .finished
        } catch {
            return .failed("\(ended.run.name): \(error)")
        }
    }
}
