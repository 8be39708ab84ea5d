import ArgumentParser
import FDFALanguage
import Foundation

/// `fdfa run FILE [--record NOTEBOOK ...]`: runs a script (or a notebook's code cells) cell by
/// cell, stopping at the first error; optionally records notebooks (.md, .ipynb, or both from one
/// run) of the cells run. They are written only when every cell ran (or with --allow-errors),
/// never half, and their folders are checked before anything runs.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a script or notebook; with --record, also write a notebook of its cells and outputs."
    )

    @Argument(help: "The script (.fdfa) or notebook (.md, .ipynb) to run.")
    var file: String

    @Option(help: "Write a notebook (.md or .ipynb) with every cell and its output to this path (may be repeated).")
    var record: [String] = []

    @Flag(help: "Record a failing cell's error as its output and go on (as Jupyter's --allow-errors).")
    var allowErrors = false

    @OptionGroup var options: SessionOptions

    func run() throws {
        try reportingNotebookErrors(runAndRecord)
    }

    private func runAndRecord() throws {
        for record in record {
            guard try NotebookFormat(path: record).holdsOutputs else {
                throw CommandFailure("--record writes a notebook (.md or .ipynb), not a script: \(record)")
            }
            try Notebook.checkWritable(record)
        }
        let format = try NotebookFormat(path: file)
        let text = try Notebook.text(of: file)
        let notebook = try format.parse(text, path: file)
        // A script's errors cite its own lines (its chunks are the cells); a notebook's, its code cells.
        let lines = format == .script ? Cells.split(text).map(\.firstLine) : nil
        let session = options.makeSession(recordedSeed: notebook.seed)
        session.showsFigures = try record.contains { try NotebookFormat(path: $0) == .ipynb }
        let recorded: Notebook
        do {
            recorded = try Recording.record(notebook, in: session, allowErrors: allowErrors,
                                            place: { cell, code in lines.map { (file, $0[cell]) } ?? ("\(file) cell \(code + 1)", 1) },
                                            reportError: report)
        } catch let failure as Recording.CellFailed {
            report(failure.error)
            throw ExitCode.failure
        }
        try record.forEach(recorded.write)
    }

    private func report(_ error: Error) {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
    }
}
