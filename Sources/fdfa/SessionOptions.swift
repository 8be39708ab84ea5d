import ArgumentParser
import FDFALanguage

/// Options every command that runs fdfa code shares.
struct SessionOptions: ParsableArguments {
    @Option(help: "Seed of the session's random generator (a notebook replays with the seed it was recorded with).")
    var seed: UInt64 = 0

    func makeSession(output: @escaping (String) -> Void = Session.standardOutput) -> Session {
        Session(seed: seed, output: output)
    }
}
