import ArgumentParser
import FDFALanguage
import FDFARepl

/// `fdfa repl` (also plain `fdfa`): the interactive session; reads stdin when it is not a terminal.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Open the interactive session (commands from stdin when it is not a terminal)."
    )

    @OptionGroup var options: SessionOptions

    func run() throws {
        guard Repl(session: options.makeSession()).run() else { throw ExitCode.failure }
    }
}
