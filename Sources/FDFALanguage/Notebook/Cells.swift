/// How a script is cut into cells: at blank lines, except where a block or bracket is still open
/// (a function whose body has a blank line stays one cell). Each cell runs as a unit; its output
/// is what a notebook shows under it.
public enum Cells {
    public struct Chunk: Equatable {
        public let text: String
        /// The line of the script the chunk starts on, so errors cite the script's line numbers.
        public let firstLine: Int
    }

    public static func split(_ script: String) -> [Chunk] {
        var chunks: [Chunk] = []
        var lines: [Substring] = []
        var brackets = OpenBrackets()
        var start = 1
        func flush() {
            brackets = OpenBrackets()
            while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
            if !lines.isEmpty { chunks.append(Chunk(text: lines.joined(separator: "\n"), firstLine: start)) }
            lines = []
        }
        for (i, line) in script.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let blank = line.allSatisfy(\.isWhitespace)
            if lines.isEmpty {
                if blank { continue }
                start = i + 1
            }
            if blank, !brackets.isOpen, isComplete(lines.joined(separator: "\n")) {
                flush()
            } else {
                lines.append(line)
                brackets.scan(line)
            }
        }
        flush()
        return chunks
    }

    /// False while the text ends inside an open block, bracket or expression (the REPL then shows
    /// a continuation prompt). Text with any other syntax error counts as complete: running it
    /// reports the error.
    public static func isComplete(_ text: String) -> Bool {
        do {
            _ = try Parser.parse(Source(name: "", text: text))
            return true
        } catch let error as LanguageError {
            return !error.needsMoreInput
        } catch {
            return true
        }
    }
}
