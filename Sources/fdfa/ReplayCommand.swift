import ArgumentParser
import FDFALanguage
import Foundation

/// `fdfa replay NOTEBOOK.md [--tolerance 1e-4]`: re-runs a recorded notebook and checks that every
/// output is still what was recorded; prints what differs and fails if anything does.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run a notebook's cells and compare each output with the recorded one."
    )

    @Argument(help: "The notebook to check (.md, as written by run --record or save).")
    var notebook: String

    @Option(help: "Relative tolerance for numbers: |a - b| <= tolerance * max(|a|, |b|).")
    var tolerance: Double = 1e-4

    @Option(help: "Seed of the session's random generator (use the one the notebook was recorded with).")
    var seed: UInt64 = 0

    func run() throws {
        guard let text = FileManager.default.contents(atPath: notebook).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw ValidationError("cannot read \(notebook)")
        }
        let cells = Notebook(markdown: text).cells
        let mismatches = Replay.run(Notebook(cells: cells), tolerance: tolerance, in: Session(seed: seed, output: { _ in }))
        guard mismatches.isEmpty else {
            print(mismatches.map(\.description).joined(separator: "\n\n"))
            print("\n\(mismatches.count) of \(cells.count) cells differ from \(notebook)")
            throw ExitCode.failure
        }
        print("\(cells.count) cells match \(notebook)")
    }
}
