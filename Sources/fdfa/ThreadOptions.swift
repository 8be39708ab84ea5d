import ArgumentParser
import FDFAEngine

/// `--threads`, shared by the commands that run training steps.
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Threads for training (fdfa's loops and its split GEMMs; default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies the setting to fdfa's thread pool (a no-op without --threads).
    func apply() {
        guard let threads else { return }
        Threads.count = threads
    }
}
