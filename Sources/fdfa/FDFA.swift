import ArgumentParser

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
}
