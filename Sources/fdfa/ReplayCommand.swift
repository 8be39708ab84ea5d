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
    var path: String

    @Option(help: "Relative tolerance for numbers: |a - b| <= tolerance * max(|a|, |b|).")
    var tolerance: Double = 1e-4

    @OptionGroup var options: SessionOptions

    func run() throws {
        guard let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw CommandFailure("cannot read \(path)")
        }
        let notebook = Notebook(markdown: text)
        let mismatches = Replay.run(notebook, tolerance: tolerance, in: options.makeSession(output: { _ in }))
        guard mismatches.isEmpty else {
            print(mismatches.map(\.description).joined(separator: "\n\n"))
            print("\n\(mismatches.count) of \(notebook.cells.count) cells differ from \(path)")
            throw ExitCode.failure
        }
        print("\(notebook.cells.count) cells match \(path)")
    }
}
