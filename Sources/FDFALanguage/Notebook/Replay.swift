import Foundation

/// Re-runs a notebook's code cells in a fresh session started with the recorded seed and compares
/// what every cell shows now with what it showed when recorded, as nbval does for Jupyter.
///
/// Text (printed text, the text form of displays, then the error message) must match exactly,
/// except that numbers match when |a − b| ≤ tolerance · max(|a|, |b|) (relative), so runs on
/// another machine or BLAS build pass while real changes do not. Lines starting with
/// `Timing.prefix` are timings and match any other timing line. An error matches by its message
/// alone (its location names the file it ran from). Figures recorded as SVG are compared by their
/// drawing's numbers within the same tolerance, not their bytes. A cell recorded without running
/// (no output to check) must still run without error.
public enum Replay {
    public struct Mismatch: CustomStringConvertible {
        public let cellNumber: Int
        public let input: String
        public let expected: String
        public let actual: String

        /// The cell's first input line, then the differing lines marked - (recorded) and + (now).
        public var description: String {
            var lines = ["cell \(cellNumber): \(input.split(separator: "\n").first ?? "")"]
            let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
            for i in 0 ..< max(old.count, new.count) {
                let a = i < old.count ? String(old[i]) : nil, b = i < new.count ? String(new[i]) : nil
                if let a, let b, Replay.linesMatch(a, b, tolerance: 0) { continue }
                if let a { lines.append("  - \(a)") }
                if let b { lines.append("  + \(b)") }
            }
            return lines.joined(separator: "\n")
        }
    }

    public struct Report {
        public var mismatches: [Mismatch] = []
        /// Code cells compared: those with recorded outputs, and those recorded without running
        /// that fail now.
        public var checked = 0
        /// The first code cell (from 1) recorded as interrupted: replay stops before it, since a
        /// run stopped part way cannot be redone; nil if there is none (or `throughInterrupted`).
        public var interruptedCell: Int?
        /// The notebook as it ran now: what `replay --update` writes.
        public var rerun: Notebook
        /// Whether some cell failed now.
        public var failed = false
    }

    /// Runs every code cell (after a difference too, to report all of them) and compares.
    /// With `throughInterrupted`, cells recorded as interrupted run in full (re-recording).
    /// Without a session, one starts with the recorded seed. Figures are drawn if any were recorded.
    public static func run(_ notebook: Notebook, tolerance: Double, in session: Session? = nil,
                           throughInterrupted: Bool = false) -> Report {
        let session = session ?? Session(seed: notebook.seed, output: { _ in })
        session.showsFigures = session.showsFigures || notebook.cells.contains { !svgs($0).isEmpty }
        var report = Report(rerun: Notebook(cells: [], seed: session.seed))
        report.rerun.jupyterMetadata = notebook.jupyterMetadata
        var number = 0
        for cell in notebook.cells {
            guard cell.kind == .code else {
                report.rerun.cells.append(cell)
                continue
            }
            number += 1
            if cell.interrupted, !throughInterrupted {
                report.interruptedCell = number
                return report
            }
            let (ran, error) = Recording.run(cell, in: session, name: "cell \(number)")
            report.rerun.cells.append(ran)
            report.failed = report.failed || error != nil
            if cell.executed || error != nil { report.checked += 1 }
            let expected = cell.executed ? comparable(cell) : "", actual = cell.executed || error != nil ? comparable(ran) : ""
            if !outputsMatch(expected, actual, tolerance: tolerance) {
                report.mismatches.append(Mismatch(cellNumber: number, input: cell.input, expected: expected, actual: actual))
            } else if cell.executed, let figures = figuresDiffer(cell, ran, tolerance: tolerance) {
                report.mismatches.append(Mismatch(cellNumber: number, input: cell.input, expected: figures.expected, actual: figures.actual))
            }
        }
        return report
    }

    /// The cell's outputs as the text compared: an error by its message alone.
    static func comparable(_ cell: Cell) -> String {
        cell.outputs.map { output in
            guard case .error(let text) = output else { return output.text }
            let first = text.split(separator: "\n").first.map(String.init) ?? ""
            for marker in [": syntax error: ", ": error: "] {
                if let range = first.range(of: marker) { return marker.dropFirst(2) + first[range.upperBound...] + "\n" }
            }
            return first + "\n"
        }.joined()
    }

    /// The recorded SVG figures against those drawn now, when the cell recorded any: nil when
    /// they match, else the first differing pair (headed "figure k as recorded:" and "figure k now:").
    static func figuresDiffer(_ recorded: Cell, _ now: Cell, tolerance: Double) -> (expected: String, actual: String)? {
        let old = svgs(recorded), new = svgs(now)
        guard !old.isEmpty else { return nil }
        guard old.count == new.count else { return ("\(old.count) figures", "\(new.count) figures") }
        for (k, (a, b)) in zip(old, new).enumerated() where !outputsMatch(a, b, tolerance: tolerance) {
            return ("figure \(k + 1) as recorded:\n" + a, "figure \(k + 1) now:\n" + b)
        }
        return nil
    }

    /// The SVG figures a cell showed.
    static func svgs(_ cell: Cell) -> [String] {
        cell.outputs.compactMap { if case .display(let data) = $0 { data[CellOutput.svg] } else { nil } }
    }

    public static func outputsMatch(_ expected: String, _ actual: String, tolerance: Double) -> Bool {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        return a.count == b.count && zip(a, b).allSatisfy { linesMatch(String($0), String($1), tolerance: tolerance) }
    }

    static func linesMatch(_ a: String, _ b: String, tolerance: Double) -> Bool {
        if a.hasPrefix(Timing.prefix), b.hasPrefix(Timing.prefix) { return true }
        let x = tokens(a), y = tokens(b)
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { p, q in
            switch (p, q) {
            case let (.text(s), .text(t)): return s == t
            case let (.number(u), .number(v)): return u == v || abs(u - v) <= tolerance * max(abs(u), abs(v))
            default: return false
            }
        }
    }

    enum Token {
        case text(String)
        case number(Double)
    }

    /// Splits a line into numbers (`-1.5e-3`, `42`) and the text between them.
    static func tokens(_ line: String) -> [Token] {
        var result: [Token] = []
        var text = ""
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            var j = i
            if chars[j] == "-", j + 1 < chars.count, chars[j + 1].isNumber { j += 1 }
            guard chars[j].isASCII, chars[j].isNumber, i == 0 || !(chars[i - 1].isLetter || chars[i - 1] == "_") else {
                text.append(chars[i])
                i += 1
                continue
            }
            while j < chars.count, chars[j].isASCII, chars[j].isNumber || chars[j] == "." { j += 1 }
            if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                var k = j + 1
                if k < chars.count, chars[k] == "-" || chars[k] == "+" { k += 1 }
                if k < chars.count, chars[k].isASCII, chars[k].isNumber {
                    j = k
                    while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                }
            }
            guard let value = Double(String(chars[i ..< j])) else {
                text.append(chars[i])
                i += 1
                continue
            }
            if !text.isEmpty { result.append(.text(text)) }
            text = ""
            result.append(.number(value))
            i = j
        }
        if !text.isEmpty { result.append(.text(text)) }
        return result
    }
}
