/// fdfa's Markdown notebooks: each code cell's input in a ```` ```fdfa ```` block, its text output
/// in an ```` ```output ```` block right after (none: it printed nothing) and the error it stopped
/// with, if any, in an ```` ```error ```` block. Prose between blocks is a Markdown cell. A cell
/// stopped by Ctrl-C is tagged ```` ```fdfa interrupted ````, one that has not run
/// ```` ```fdfa not-run ````. Figures keep only their text form here.
extension Notebook {
    static let title = "# fdfa notebook"
    static let guide = "Check it with `fdfa replay` (runs each `fdfa` block, compares the `output` block after it)."
    /// The seed line, an HTML comment so rendered Markdown does not show it.
    static let seedPrefix = "<!-- fdfa seed ", seedSuffix = " -->"
    enum Tag {
        static let input = "fdfa", output = "output", error = "error"
        static let interrupted = "interrupted", notRun = "not-run"
    }

    public var markdown: String {
        var text = Notebook.title + "\n\n" + Notebook.guide + "\n"
        if seed != 0 { text += Notebook.seedPrefix + String(seed) + Notebook.seedSuffix + "\n" }
        for cell in cells {
            guard cell.kind == .code else {
                text += "\n" + cell.input + "\n"
                continue
            }
            let flag = cell.interrupted ? " " + Tag.interrupted : !cell.executed ? " " + Tag.notRun : ""
            text += "\n" + Notebook.fenced(cell.input, tag: Tag.input + flag)
            let shown = cell.outputs.filter { if case .error = $0 { false } else { true } }.map(\.text).joined()
            if !shown.isEmpty { text += Notebook.fenced(shown, tag: Tag.output) }
            if let error = cell.error { text += Notebook.fenced(error, tag: Tag.error) }
        }
        return text
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

    /// Reads the cells back from Markdown (LF or CRLF line ends). Output text keeps its final
    /// line break, as recorded; fenced blocks of other languages stay part of the prose.
    public init(markdown: String) {
        var cells: [Cell] = []
        var seed: UInt64 = 0
        var prose: [Substring] = []
        func flushProse() {
            while prose.first?.allSatisfy(\.isWhitespace) == true { prose.removeFirst() }
            while prose.last?.allSatisfy(\.isWhitespace) == true { prose.removeLast() }
            if !prose.isEmpty { cells.append(.markdown(prose.joined(separator: "\n"))) }
            prose = []
        }
        var lines = markdown.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)[...]
        while let line = lines.popFirst() {
            if line == Notebook.title || line == Notebook.guide { continue }
            if line.hasPrefix(Notebook.seedPrefix), line.hasSuffix(Notebook.seedSuffix),
               let value = UInt64(line.dropFirst(Notebook.seedPrefix.count).dropLast(Notebook.seedSuffix.count)) {
                seed = value
                continue
            }
            let fence = line.prefix { $0 == "`" }
            let words = line.dropFirst(fence.count).split(separator: " ")
            let tag = words.first.map(String.init) ?? ""
            guard fence.count >= 3, [Tag.input, Tag.output, Tag.error].contains(tag) else {
                prose.append(line)
                continue
            }
            var body: [Substring] = []
            while let inner = lines.popFirst() {
                if inner.count >= fence.count, inner.allSatisfy({ $0 == "`" }) { break }
                body.append(inner)
            }
            let text = body.joined(separator: "\n")
            if tag == Tag.input {
                flushProse()
                cells.append(Cell(input: text, executed: !words.contains(Substring(Tag.notRun)),
                                  interrupted: words.contains(Substring(Tag.interrupted))))
            } else if let last = cells.indices.last, cells[last].kind == .code {
                cells[last].outputs.append(tag == Tag.output ? .text(text + "\n") : .error(text))
            }
        }
        flushProse()
        self.init(cells: cells, seed: seed)
    }
}
