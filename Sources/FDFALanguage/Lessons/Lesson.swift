/// A lesson: a recorded notebook (see `Notebook`) read as a sequence of steps. A prose cell is an
/// explanation alone; a code cell's leading comment lines are the explanation and the rest is the
/// code the learner runs. So a lesson is written as an ordinary `.fdfa` script, recorded with
/// `scripts/lessons` (`fdfa run --record`), and checked with `fdfa replay` like any notebook.
public struct Lesson: Equatable {
    /// One cell: what to read, then what to run (empty for a cell of prose alone).
    public struct Step: Equatable {
        public let explanation: String
        public let code: String
        /// The output the recording printed, for comparison.
        public let recordedOutput: String
    }

    /// From the file name "3-dfa.md": 3.
    public let number: Int
    /// The first line of the first explanation, without "Lesson N:".
    public let title: String
    public let steps: [Step]

    public init(number: Int, notebook: Notebook) {
        self.number = number
        steps = notebook.cells.map(Lesson.step)
        let first = steps.first?.explanation.split(separator: "\n").first.map(String.init) ?? "Lesson \(number)"
        title = first.range(of: ": ").map { String(first[$0.upperBound...]) } ?? first
    }

    private static func step(_ cell: Cell) -> Step {
        if cell.kind != .code { return Step(explanation: cell.input, code: "", recordedOutput: "") }
        let lines = cell.input.split(separator: "\n", omittingEmptySubsequences: false)
        let prose = lines.prefix { $0.hasPrefix("#") }
        let text = prose.map { $0.dropFirst($0.hasPrefix("# ") ? 2 : 1) }.joined(separator: "\n")
        return Step(explanation: text, code: lines.dropFirst(prose.count).joined(separator: "\n"), recordedOutput: cell.output)
    }
}
