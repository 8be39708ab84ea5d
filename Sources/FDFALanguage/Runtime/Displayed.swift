/// Something a cell shows that a host richer than a terminal (the Jupyter kernel) may render in
/// its own way. Every item has the text a terminal shows, which is also what transcripts record.
public enum Displayed {
    /// The value of an expression statement, which the REPL echoes.
    case value(Value)
    /// A figure: the terminal drawing, and the SVG document `plot(..., file=)` would write.
    case figure(text: String, svg: String)

    /// What a terminal shows, ending with a line break.
    public var text: String {
        switch self {
        case .value(let value): return Display.repr(value) + "\n"
        case .figure(let text, _): return text
        }
    }
}
