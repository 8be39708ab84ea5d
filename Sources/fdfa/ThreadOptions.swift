import ArgumentParser
import FDFAEngine

/// `--threads`, shared by the commands that run training steps.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads for OpenBLAS and fdfa's own loops (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies the setting to both thread pools (a no-op without --threads).
    func apply() {
        guard let threads else { return }
        Threads.count = threads
        BLAS.threads = threads
    }
}
