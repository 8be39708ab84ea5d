import Foundation

/// Re-runs a notebook's inputs in a fresh session and compares every output with the recorded one.
///
/// Text must match exactly; numbers match when |a − b| ≤ tolerance · max(|a|, |b|) (relative), so
/// runs on another machine or BLAS build pass while real changes do not. Lines starting with
/// `Timing.prefix` are timings and match any other timing line.
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

    /// Runs every cell (after a failure too, to report all differences) and returns the mismatches.
    public static func run(_ notebook: Notebook, tolerance: Double, in session: Session = Session(output: { _ in })) -> [Mismatch] {
        var mismatches: [Mismatch] = []
        for (i, cell) in notebook.cells.enumerated() {
            let actual: String
            do {
                actual = try session.execute(cell.input, name: "cell \(i + 1)")
            } catch {
                actual = "\(error)\n"
            }
            if !outputsMatch(cell.output, actual, tolerance: tolerance) {
                mismatches.append(Mismatch(cellNumber: i + 1, input: cell.input, expected: cell.output, actual: actual))
            }
        }
        return mismatches
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
