import ArgumentParser
import FDFALanguage

/// Options every command that runs fdfa code shares.
struct SessionOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seed of the session's random generator (default: a notebook's recorded seed, else 0).")
    var seed: UInt64?

    /// A session seeded with --seed, else with the seed a notebook was recorded with.
    func makeSession(recordedSeed: UInt64 = 0, output: @escaping (String) -> Void = Session.standardOutput) -> Session {
        Session(seed: seed ?? recordedSeed, output: output)
    }
}
