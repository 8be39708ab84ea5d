import ArgumentParser
import FDFALanguage

/// The `fdfa` command. With no arguments it opens the REPL.
///
/// Each subcommand lives in its own file; to add one, write the file and add it to the list below.
@main
struct FDFA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fdfa",
        abstract: "A workbench for Forward Direct Feedback Alignment and its relatives.",
        version: "0.1.0",
        subcommands: [
            ReplCommand.self,
            RunCommand.self,
            ReplayCommand.self,
            ConvertCommand.self,
            TrainCommand.self,
            BenchCommand.self,
            DownloadCommand.self,
            StudyCommand.self,
            KernelCommand.self,
            SweepCommand.self,
        ],
        defaultSubcommand: ReplCommand.self
    )

    /// Runs the command line. A first word that names no command (`fdfa trian`, `fdfa help trian`)
    /// is refused with the commands' names: otherwise it would go to the default command, the
    /// REPL, which takes no words, and the error would be the REPL's usage.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = configuration.subcommands.map { $0._commandName }
        let asked = arguments.first == "help" ? arguments.dropFirst().first : arguments.first
        if let word = asked, !word.hasPrefix("-"), !names.contains(word) {
            exit(withError: ValidationError("unknown command '\(word)'" + Suggestion.hint(for: word, among: names)
                + "; the commands are " + names.joined(separator: ", ")))
        }
        main(arguments)
    }
}
