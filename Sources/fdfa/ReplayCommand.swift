import ArgumentParser
import FDFALanguage
import Foundation

/// `fdfa replay NOTEBOOK [--tolerance 1e-4] [--update]`: re-runs a recorded notebook (.md or
/// .ipynb, Jupyter's own included) and checks that every output is still what was recorded;
/// prints what differs and fails if anything does, or if there was nothing to check. With
/// --update it writes the outputs of this run into the notebook instead.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run a notebook's cells and compare each output with the recorded one (or --update them)."
    )

    @Argument(help: "The notebook to check (.md or .ipynb, as written by run --record, save or Jupyter).")
    var path: String

    @Option(parsing: .unconditional, help: "Relative tolerance for numbers: |a - b| <= tolerance * max(|a|, |b|).")
    var tolerance: Double = 1e-4

    @Flag(help: "Re-record the outputs in place (after editing the inputs); fails, writing nothing, if a cell fails.")
    var update = false

    @OptionGroup var options: SessionOptions

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0 else { throw ValidationError("--tolerance must be a finite number at least 0, got \(tolerance)") }
    }

    func run() throws {
        try reportingNotebookErrors(replay)
    }

    private func replay() throws {
        let format = try NotebookFormat(path: path)
        guard format.holdsOutputs else {
            throw CommandFailure("\(path) is a script, not a notebook: run it with `fdfa run`, or record one with `fdfa run \(path) --record NOTEBOOK.md`")
        }
        let notebook = try Notebook.read(path)
        guard !notebook.codeCells.isEmpty else {
            throw CommandFailure("\(path) has no fdfa code cells: nothing to replay")
        }
        let session = options.makeSession(recordedSeed: notebook.seed, output: { _ in })
        session.showsFigures = format == .ipynb
        let report = Replay.run(notebook, tolerance: tolerance, in: session, throughInterrupted: update)
        let differences = report.mismatches.map(\.description).joined(separator: "\n\n")
        if update {
            guard !report.failed else {
                print(differences)
                throw CommandFailure("a cell failed: \(path) is left as it was")
            }
            try report.rerun.write(to: path)
            print("updated \(path): \(report.mismatches.count) of \(notebook.codeCells.count) cells changed")
            return
        }
        if !report.mismatches.isEmpty {
            print(differences)
            print("\n\(report.mismatches.count) of \(report.checked) cells differ from \(path)")
            throw ExitCode.failure
        }
        if let cell = report.interruptedCell {
            throw CommandFailure("cell \(cell) of \(path) was interrupted when it was recorded, so neither it nor the cells after it can be checked (cells before it match); re-record with --update")
        }
        guard report.checked > 0 else {
            throw CommandFailure("\(path) has no recorded outputs to check (no cell has run): record them with --update")
        }
        print("\(report.checked) cells match \(path)")
    }
}
