import ArgumentParser
import FDFALanguage
import FDFARepl

/// `fdfa repl` (also plain `fdfa`): the interactive session; reads stdin when it is not a terminal.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Open the interactive session (commands from stdin when it is not a terminal)."
    )

    @Option(help: "Seed of the session's random generator.")
    var seed: UInt64 = 0

    func run() throws {
        guard Repl(session: Session(seed: seed)).run() else { throw ExitCode.failure }
    }
}
