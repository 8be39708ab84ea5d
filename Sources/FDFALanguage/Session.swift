import FDFAEngine
import FDFATraining
import Foundation

/// A running workbench: variables, the random generator, where output goes, and the transcript
/// of the cells run so far. The REPL, `fdfa run` and notebook replay all drive one of these.
public final class Session {
    public let registry: Registry
    /// Every random draw (`randn`, `rand`, later initialisations and shuffles) comes from here;
    /// `seed(n)` resets it, so the same seed gives the same session.
    public var random: Random
    /// The seed the session started with, which notebooks record.
    public let seed: UInt64
    /// Receives everything the program prints, as it is printed.
    public var output: (String) -> Void
    /// Receives what the program writes to standard error (`warn`).
    public var errorOutput: (String) -> Void = Session.standardError
    /// Receives rich displays (plots, images) when set; otherwise their text goes to `output`.
    public var displayOutput: (([String: String]) -> Void)?
    /// Whether `plot` and `show` add their SVG drawing to their display: on for Jupyter notebooks,
    /// off at a terminal, which shows only the text form (and large SVGs take long to draw).
    public var showsFigures = false
    /// Receives the values of expression statements when set (the Jupyter kernel's results);
    /// otherwise they are printed as the REPL echoes them.
    public var valueOutput: ((Value) -> Void)?
    /// Receives `help`'s text when set (Jupyter's pager, as IPython's `?`); otherwise it is printed.
    public var pagerOutput: ((String) -> Void)?
    /// Makes the progress bar `train` shows for each epoch: the terminal's, or a host's own display.
    public var progressBar: () -> ProgressBar? = ProgressBar.forTerminal
    /// The cells run so far, in order, with what each showed; a failed cell ends with its error.
    public private(set) var transcript: [Cell] = []
    private lazy var interpreter = Interpreter(session: self)
    private var cellOutputs: [CellOutput] = []
    private var cellSaves = false

    public init(registry: Registry = .standard, seed: UInt64 = 0, output: @escaping (String) -> Void = Session.standardOutput) {
        self.registry = registry
        self.seed = seed
        self.random = Random(seed: seed)
        self.output = output
    }

    public static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    public static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Prints text (built-ins call this, never `print`, so notebooks capture everything).
    public func write(_ text: String) {
        record(text)
        output(text)
    }

    /// Adds text to the running cell's outputs, joining the text shown just before it.
    private func record(_ text: String) {
        if case .text(let before) = cellOutputs.last {
            cellOutputs[cellOutputs.count - 1] = .text(before + text)
        } else {
            cellOutputs.append(.text(text))
        }
    }

    /// Writes text to standard error; it is no part of the cell's recorded output.
    public func writeError(_ text: String) {
        errorOutput(text)
    }

    /// Shows text to read rather than keep (help): in the host's pager if it has one, else printed.
    public func page(_ text: String) {
        if let pagerOutput { pagerOutput(text) } else { write(text) }
    }

    /// Shows a rich display (data by MIME type, with a "text/plain" form for terminals).
    public func display(_ data: [String: String]) {
        cellOutputs.append(.display(data))
        if let displayOutput { displayOutput(data) } else { output(CellOutput.display(data).text) }
    }

    /// Shows an expression statement's value. Its text is in the cell's outputs either way, so
    /// transcripts and notebooks read the same in every host.
    func show(_ value: Value) {
        let text = Display.repr(value) + "\n"
        record(text)
        if let valueOutput { valueOutput(value) } else { output(text) }
    }

    /// Marks the running cell as one that saves the session (`save`), so saves leave it out.
    func markCellAsSaving() { cellSaves = true }

    /// Parses and runs one cell; returns what it printed. On error the variables keep whatever
    /// the statements before the failure assigned; the cell joins the transcript with its error.
    @discardableResult
    public func execute(_ text: String, name: String = "<repl>", firstLine: Int = 1) throws -> String {
        Interrupt.clear()
        cellOutputs = []
        cellSaves = false
        let source = Source(name: name, text: text, firstLine: firstLine)
        do {
            try DeepStack.run {
                try self.interpreter.run(try Parser.parse(source))
            }
        } catch {
            let interrupted = (error as? LanguageError)?.kind == .interrupted
            transcript.append(Cell(input: text, outputs: cellOutputs + [.error("\(error)")], interrupted: interrupted, saves: cellSaves))
            throw error
        }
        let cell = Cell(input: text, outputs: cellOutputs, saves: cellSaves)
        transcript.append(cell)
        return cell.output
    }

    /// The value of a global variable, if there is one (for completion of fields).
    public func variable(named name: String) -> Value? { interpreter.globals.variables[name] }

    /// The names of the global variables.
    public var variableNames: [String] { interpreter.globals.variables.keys.sorted() }

    /// What `help NAME` shows for the language topic, variable or built-in `name`, or nil if there is none.
    public func help(for name: String) -> String? {
        if let topic = Help.topic(name) { return topic }
        guard let value = variable(named: name) ?? registry.builtin(named: name).map(Value.builtin) else { return nil }
        return BuiltinGroup.description(value)
    }
}
