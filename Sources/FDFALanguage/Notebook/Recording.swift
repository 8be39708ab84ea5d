/// Runs a notebook's code cells in a session, one cell at a time, and collects what each shows
/// now: the one way `fdfa run --record`, `replay` and `replay --update` run cells.
public enum Recording {
    /// A cell failed and errors were not allowed: nothing is to be written.
    public struct CellFailed: Error, CustomStringConvertible {
        public let error: Error
        public var description: String { "\(error)" }
    }

    /// Runs one code cell; returns it as it ran now (a failure ends its outputs with the error).
    /// `name` and `firstLine` place error messages.
    public static func run(_ cell: Cell, in session: Session, name: String, firstLine: Int = 1) -> (cell: Cell, error: Error?) {
        do {
            try session.execute(cell.input, name: name, firstLine: firstLine)
        } catch {
            return (session.transcript.last!, error)
        }
        return (session.transcript.last!, nil)
    }

    /// Runs every code cell of `notebook` in order in `session` and returns the notebook with this
    /// run's outputs (prose kept; the session's seed recorded). A failing cell ends the run with
    /// `CellFailed` unless `allowErrors`: then its error is its output and the next cell runs.
    /// `name(i)` and `firstLine(i)` place the errors of code cell i (from 0).
    public static func record(_ notebook: Notebook, in session: Session, allowErrors: Bool,
                              name: (Int) -> String, firstLine: (Int) -> Int = { _ in 1 },
                              reportError: (Error) -> Void = { _ in }) throws -> Notebook {
        var cells: [Cell] = []
        var codeIndex = 0
        for cell in notebook.cells {
            guard cell.kind == .code else {
                cells.append(cell)
                continue
            }
            let (ran, error) = run(cell, in: session, name: name(codeIndex), firstLine: firstLine(codeIndex))
            codeIndex += 1
            if let error {
                guard allowErrors else { throw CellFailed(error: error) }
                reportError(error)
            }
            cells.append(ran)
        }
        return Notebook(cells: cells, seed: session.seed)
    }
}
