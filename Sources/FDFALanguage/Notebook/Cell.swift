/// One cell of a session or notebook: its input and what it showed, the unit of the transcript,
/// of `save` and of notebooks. Prose cells (Markdown) have no outputs and never run.
public struct Cell: Equatable {
    /// `raw` is Jupyter's raw cell: text that is neither run nor rendered, kept as prose and written
    /// back to an .ipynb as a raw cell.
    public enum Kind: Equatable { case code, markdown, raw }

    public var kind: Kind
    public var input: String
    public var outputs: [CellOutput]
    /// False for a code cell that has not run (a script converted to a notebook): replay runs it
    /// but has no output to check it against.
    public var executed: Bool
    /// Stopped by Ctrl-C part way, keeping what it changed: replay cannot redo exactly that part.
    public var interrupted: Bool
    /// The cell called `save`: saved sessions leave it out, so replaying one rewrites no files.
    public var saves: Bool
    /// What a Jupyter notebook holds for the cell beyond what fdfa reads (its id, metadata such as
    /// tags, attachments), by key, written back as it was.
    public var jupyter: [String: JSONValue] = [:]

    public init(kind: Kind = .code, input: String, outputs: [CellOutput] = [], executed: Bool = true,
                interrupted: Bool = false, saves: Bool = false) {
        self.kind = kind
        self.input = input
        self.outputs = outputs
        self.executed = kind == .code && executed
        self.interrupted = interrupted
        self.saves = saves
    }

    /// A code cell that printed `output`.
    public init(input: String, output: String) {
        self.init(input: input, outputs: output.isEmpty ? [] : [.text(output)])
    }

    public static func markdown(_ text: String) -> Cell { Cell(kind: .markdown, input: text) }

    /// Everything the cell showed as text, as a terminal shows it: printed text, each display's
    /// text form and the error, each ending with a line break.
    public var output: String { outputs.map(\.text).joined() }

    /// The error the cell stopped with, if any.
    public var error: String? {
        for case .error(let text) in outputs { return text }
        return nil
    }
}

/// One thing a cell showed, in the order shown (Jupyter's outputs).
public enum CellOutput: Equatable {
    /// Printed text (a Jupyter stream).
    case text(String)
    /// A rich display: data by MIME type, e.g. a plot as "image/svg+xml" with its terminal
    /// drawing as "text/plain".
    case display([String: String])
    /// The error that stopped the cell, as the REPL prints it.
    case error(String)

    public static let plainText = "text/plain", svg = "image/svg+xml", html = "text/html"

    /// The output as terminal text, ending with a line break.
    public var text: String {
        switch self {
        case .text(let text): return text
        case .display(let data): return CellOutput.line(data[CellOutput.plainText] ?? "")
        case .error(let text): return CellOutput.line(text)
        }
    }

    static func line(_ text: String) -> String { text.isEmpty || text.hasSuffix("\n") ? text : text + "\n" }
}
