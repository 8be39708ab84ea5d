import ArgumentParser
import FDFALanguage

/// `fdfa convert IN OUT`: between scripts (.fdfa), fdfa's Markdown notebooks (.md) and Jupyter
/// notebooks (.ipynb), by extension. Nothing runs: outputs carry over between notebooks, a script
/// has none (its cells become cells that have not run), and prose becomes comment lines in one.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between a script (.fdfa), a Markdown notebook (.md) and a Jupyter notebook (.ipynb)."
    )

    @Argument(help: "The file to convert (.fdfa, .md or .ipynb).")
    var input: String

    @Argument(help: "The file to write (.fdfa, .md or .ipynb).")
    var output: String

    func run() throws {
        try reportingNotebookErrors {
            _ = try NotebookFormat(path: output)
            try Notebook.read(input).write(to: output)
        }
    }
}
