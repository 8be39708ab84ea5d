import ArgumentParser
import FDFAEngine
import FDFALanguage
import Foundation

/// `fdfa run FILE.fdfa [--record NOTEBOOK.md]`: runs a script cell by cell (cells are blank-line
/// separated chunks), stopping at the first error; optionally records a notebook of the cells run.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a script; with --record, also write a Markdown notebook of its cells and outputs."
    )

    @Argument(help: "The script to run (.fdfa).")
    var file: String

    @Option(help: "Write a notebook (Markdown) with every cell and its output to this path.")
    var record: String?

    @OptionGroup var options: SessionOptions

    func run() throws {
        guard let script = FileManager.default.contents(atPath: file).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw CommandFailure("cannot read \(file)")
        }
        let session = options.makeSession()
        var failure: Error?
        for cell in Cells.split(script) {
            do {
                try session.execute(cell.text, name: file, firstLine: cell.firstLine)
            } catch {
                failure = error
                break
            }
        }
        if let record {
            try AtomicFile.write(Notebook(cells: session.transcript).markdown, to: record)
        }
        if let failure {
            FileHandle.standardError.write(Data("\(failure)\n".utf8))
            throw ExitCode.failure
        }
    }
}
