import ArgumentParser
import FDFAEngine
import FDFATraining
import Foundation

/// `fdfa sweep --slurm job.sh`: a Slurm batch script running the sweep as a job array, one task per
/// run, each task `fdfa sweep … --task $SLURM_ARRAY_TASK_ID` on the shared output folder.
struct SlurmOptions: ParsableArguments {
    @Option(name: .customLong("slurm"), help: "Write a Slurm batch script (a job array, one task per run) to this file instead of running.")
    var script: String?
    @Option(name: .customLong("slurm-cpus"), parsing: .unconditional, help: "CPUs per task (--cpus-per-task; each run's --threads).")
    var cpus = 2
    @Option(name: .customLong("slurm-mem"), help: "Memory per task (--mem).")
    var memory = "4G"
    @Option(name: .customLong("slurm-time"), help: "Time limit per task (--time), e.g. 02:00:00 or 1-00:00:00.")
    var time = "04:00:00"
    @Option(name: .customLong("slurm-concurrent"), parsing: .unconditional, help: "Tasks running at once (the %K of --array=0-N%K).")
    var concurrent = 16
    @Option(name: .customLong("slurm-partition"), help: "Partition (--partition); the cluster's default when left out.")
    var partition: String?
    @Option(name: .customLong("slurm-job-name"), help: "Job name (--job-name).")
    var jobName = "fdfa-sweep"
    @Option(name: .customLong("slurm-output"), help: "Each task's output file (--output; %A the job, %a the task). Default: OUT/slurm/%A_%a.out.")
    var output: String?
    @Option(name: .customLong("slurm-fdfa"), help: "The fdfa executable as the compute nodes see it. Default: this one.")
    var executable: String?

    func validate() throws {
        guard cpus >= 1 else { throw ValidationError("--slurm-cpus must be at least 1, got \(cpus)") }
        guard concurrent >= 1 else { throw ValidationError("--slurm-concurrent must be at least 1, got \(concurrent)") }
    }

    /// The batch script. Paths are absolute so that it runs from any directory; every value is quoted
    /// for the shell. Slurm does not create the output's folder, so the caller creates it.
    func script(manifest: SweepManifest, directory: String, sweepArguments: [String]) -> String {
        let fdfa = executable ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let outputPath = output ?? directory + "/slurm/%A_%a.out"
        try? FileManager.default.createDirectory(atPath: URL(fileURLWithPath: outputPath).deletingLastPathComponent().path,
                                                 withIntermediateDirectories: true)
        var lines = [
            "#!/bin/bash",
            "# fdfa sweep of \(counted(manifest.runs.count, "run")) in \(directory), one array task per run.",
            "# Submit with: sbatch \(Self.quote(script ?? "job.sh"))    Report with: fdfa sweep report \(Self.quote(directory))",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=0-\(manifest.runs.count - 1)%\(concurrent)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(cpus)",
            "#SBATCH --mem=\(memory)",
            "#SBATCH --time=\(time)",
            "#SBATCH --output=\(outputPath)",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        lines += [
            "set -euo pipefail",
            ([fdfa] + sweepArguments).map(Self.quote).joined(separator: " ") + " --task \"$SLURM_ARRAY_TASK_ID\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` in single quotes for a POSIX shell (bare when it holds only safe characters).
    static func quote(_ text: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+%@")
        if !text.isEmpty, text.unicodeScalars.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
