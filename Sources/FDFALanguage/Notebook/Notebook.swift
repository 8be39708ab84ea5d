/// A notebook: Markdown with each cell's input in a ```` ```fdfa ```` block and its output in an
/// ```` ```output ```` block right after (no output block: the cell printed nothing). Prose and other
/// blocks between cells are allowed and ignored, so a notebook can be annotated by hand.
public struct Notebook: Equatable {
    public var cells: [Cell]

    public init(cells: [Cell]) { self.cells = cells }

    static let inputTag = "fdfa", outputTag = "output"

    public var markdown: String {
        var text = "# fdfa notebook\n\nCheck it with `fdfa replay` (runs each `fdfa` block, compares the `output` block after it).\n"
        for cell in cells {
            text += "\n" + Notebook.fenced(cell.input, tag: Notebook.inputTag)
            if !cell.output.isEmpty { text += Notebook.fenced(cell.output, tag: Notebook.outputTag) }
        }
        return text
    }

    /// The inputs alone, blank-line separated: a script `fdfa run` accepts (and splits the same way).
    public static func script(_ cells: [Cell]) -> String {
        cells.map(\.input).joined(separator: "\n\n") + "\n"
    }

    /// A fenced block whose fence is longer than any run of backticks inside it.
    private static func fenced(_ body: String, tag: String) -> String {
        var longest = 0, run = 0
        for c in body {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let content = body.hasSuffix("\n") ? body : body + "\n"
        return "\(fence)\(tag)\n\(content)\(fence)\n"
    }

    /// Reads the cells back from Markdown. Output text keeps its final line break, as recorded.
    public init(markdown: String) {
        var cells: [Cell] = []
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            let fence = line.prefix { $0 == "`" }
            guard fence.count >= 3 else { continue }
            let tag = line.dropFirst(fence.count).trimmingCharacters(in: .whitespaces)
            var body: [Substring] = []
            while let inner = lines.popFirst() {
                if inner.count >= fence.count, inner.allSatisfy({ $0 == "`" }) { break }
                body.append(inner)
            }
            let text = body.joined(separator: "\n")
            if tag == Notebook.inputTag {
                cells.append(Cell(input: text, output: ""))
            } else if tag == Notebook.outputTag, let last = cells.popLast() {
                cells.append(Cell(input: last.input, output: last.output + text + "\n"))
            }
        }
        self.cells = cells
    }
}
