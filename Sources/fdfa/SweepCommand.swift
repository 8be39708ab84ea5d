import ArgumentParser
import FDFAEngine
import FDFATraining
import Foundation

/// `fdfa sweep`: a grid of `fdfa train` runs (rules × seeds × settings), run here or as a Slurm job
/// array, and `fdfa sweep report` for their statistics.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of trainings (rules, seeds, settings) and report their statistics.",
        discussion: "`fdfa sweep --out DIR FLAGS…` runs the grid (see `fdfa help sweep run`); `fdfa sweep report DIR` reports it.",
        subcommands: [SweepRunCommand.self, SweepReportCommand.self],
        defaultSubcommand: SweepRunCommand.self)
}

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every combination of the given fdfa train flags, each in its own folder under --out.",
        discussion: """
        Any flag of fdfa train may take a comma list or an inclusive range; the runs are every combination. \
        Each run gives the numbers of a standalone `fdfa train` with the same flags and --threads. \
        Interrupt at any time (Ctrl-C, or a kill) and run the same command again: finished runs are skipped \
        and a run cut short resumes from its last epoch.

        Examples:
          fdfa sweep --out runs/rules --dataset FashionMNIST --epochs 10 --train-mode BP,DFA,DKP,FDFA --seed 0..4
          fdfa sweep --out runs/lr --jobs 2 --train-mode FDFA --lr 1e-4,3e-4 --seed 0..2
          fdfa sweep --out runs/grid --file grid.toml
          fdfa sweep --out runs/rules --train-mode DFA,FDFA --seed 0..9 --slurm job.sh --slurm-time 02:00:00
          fdfa sweep report runs/rules --compare FDFA,DFA
        """)

    @Option(help: "Folder of the sweep: one folder per run and the manifest sweep.json.")
    var out: String
    @Option(help: "A TOML sweep file: fdfa train flags (without dashes) as keys, lists or ranges (\"0..9\") to sweep.")
    var file: String?
    // Numbers are parsed `.unconditional`ly so that a negative one meets its range check (see TrainCommand).
    @Option(parsing: .unconditional, help: "Trainings at a time; the threads are split between them.")
    var jobs = 1
    @Option(parsing: .unconditional, help: "Threads in all (default: all cores); each run gets threads / jobs, given to it as --threads.")
    var threads: Int?
    @Option(parsing: .unconditional, help: "Run only the run of this index (0-based): what each task of a Slurm job array does.")
    var task: Int?
    @OptionGroup var slurm: SlurmOptions
    @Argument(parsing: .allUnrecognized, help: "fdfa train flags; any may be a comma list or a range a..b.")
    var trainFlags: [String] = []

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let task, task < 0 { throw ValidationError("--task must not be negative, got \(task)") }
        if slurm.script != nil, task != nil { throw ValidationError("--slurm writes a script for every task; leave out --task") }
        // Here, so that a bad grid is reported with this command's usage.
        _ = try manifest()
    }

    /// The runs of the grid the train flags and --file give, each checked by fdfa train's parser.
    func manifest() throws -> SweepManifest {
        var grid = try SweepGrid(arguments: trainFlags)
        if let file { try SweepFile.read(file, into: &grid) }
        return try grid.manifest(threads: threadsPerRun)
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out).standardizedFileURL.path
        let manifest = try manifest()
        try createDirectory(directory)
        try Self.settle(manifest, in: directory)
        if let script = slurm.script {
            let text = slurm.script(manifest: manifest, directory: directory, sweepArguments: sweepArgumentsForTasks())
            try writeAtomically(Data(text.utf8), to: script)
            chmod(script, 0o755)
            emit("Wrote \(script): a job array of \(counted(manifest.runs.count, "task")). Submit it with: sbatch \(script)")
            emit("Then: fdfa sweep report \(directory)")
            return
        }
        if let task {
            guard task < manifest.runs.count else {
                throw ValidationError("--task \(task) is beyond the sweep's \(manifest.runs.count) runs (0 to \(manifest.runs.count - 1))")
            }
        }
        let runner = SweepRunner(directory: directory, manifest: manifest, jobs: task == nil ? jobs : 1)
        try runner.run(indices: task.map { [$0] } ?? Array(manifest.runs.indices))
    }

    /// Each run's --threads: the Slurm task's CPUs, or the total split between the jobs.
    var threadsPerRun: Int {
        if slurm.script != nil { return slurm.cpus }
        return max(1, (threads ?? ProcessInfo.processInfo.activeProcessorCount) / (task == nil ? jobs : 1))
    }

    /// The arguments each array task repeats: the same grid, the same folder, the task's threads.
    func sweepArgumentsForTasks() -> [String] {
        var arguments = ["sweep", "--out", URL(fileURLWithPath: out).standardizedFileURL.path, "--threads", String(slurm.cpus)]
        if let file { arguments += ["--file", URL(fileURLWithPath: file).standardizedFileURL.path] }
        return arguments + trainFlags
    }

    /// Writes the manifest, or checks that the folder's manifest is this one: a folder holds one sweep.
    static func settle(_ manifest: SweepManifest, in directory: String) throws {
        guard FileManager.default.fileExists(atPath: directory + "/" + SweepManifest.fileName) else {
            try manifest.write(directory: directory)
            return
        }
        let existing = try SweepManifest.read(directory: directory)
        guard existing != manifest else { return }
        let difference: String
        if existing.runs.count != manifest.runs.count {
            difference = "it has \(existing.runs.count) runs, these flags give \(manifest.runs.count)"
        } else if let i = existing.runs.indices.first(where: { existing.runs[$0] != manifest.runs[$0] }) {
            difference = "its run \(i) is `fdfa train \(existing.runs[i].arguments.joined(separator: " "))`, these flags give `fdfa train \(manifest.runs[i].arguments.joined(separator: " "))`"
        } else {
            difference = "its parameters differ"
        }
        throw CommandFailure("\(directory) holds another sweep (\(difference)). Give the same flags (and --jobs/--threads) to continue it, or another --out.")
    }
}
