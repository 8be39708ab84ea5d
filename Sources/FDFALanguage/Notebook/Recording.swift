/// Runs a notebook's code cells in a session, one cell at a time, and collects what each shows
/// now: the one way `fdfa run --record`, `replay` and `replay --update` run cells.
public enum Recording {
    /// A cell failed and errors were not allowed: nothing is to be written.
    public struct CellFailed: Error, CustomStringConvertible {
        public let error: Error
        public var description: String { "\(error)" }
    }

    /// Runs one code cell; returns it as it ran now (a failure ends its outputs with the error),
    /// with what Jupyter kept for it. `name` and `firstLine` place error messages.
    public static func run(_ cell: Cell, in session: Session, name: String, firstLine: Int = 1) -> (cell: Cell, error: Error?) {
        var failure: Error?
        do {
            try session.execute(cell.input, name: name, firstLine: firstLine)
        } catch {
            failure = error
        }
        var ran = session.transcript.last!
        ran.jupyter = cell.jupyter
        return (ran, failure)
    }

    /// Runs every code cell of `notebook` in order in `session` and returns the notebook with this
    /// run's outputs (prose kept; the session's seed recorded). A failing cell ends the run with
    /// `CellFailed` unless `allowErrors`: then its error is its output and the next cell runs.
    /// `place(i, n)` names the source of cell i, the n-th code cell (both from 0), and its first
    /// line, for error messages.
    public static func record(_ notebook: Notebook, in session: Session, allowErrors: Bool,
                              place: (_ cell: Int, _ codeCell: Int) -> (name: String, firstLine: Int),
                              reportError: (Error) -> Void = { _ in }) throws -> Notebook {
        var cells: [Cell] = []
        var codeCells = 0
        for (index, cell) in notebook.cells.enumerated() {
            guard cell.kind == .code else {
                cells.append(cell)
                continue
            }
            let (name, firstLine) = place(index, codeCells)
            codeCells += 1
            let (ran, error) = run(cell, in: session, name: name, firstLine: firstLine)
            if let error {
                guard allowErrors else { throw CellFailed(error: error) }
                reportError(error)
            }
            cells.append(ran)
        }
        var recorded = Notebook(cells: cells, seed: session.seed)
        recorded.jupyterMetadata = notebook.jupyterMetadata
        return recorded
    }
}
