import FDFAEngine
import Foundation

/// How values print. One place, so the REPL, `print`, notebooks and error messages agree.
public enum Display {
    /// Tensors with at most this many elements print in full; bigger ones print a summary.
    static let fullTensorLimit = 64

    /// Integers without a fraction, everything else with up to 10 significant digits.
    public static func number(_ n: Double) -> String {
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        if n.isNaN { return "nan" }
        if n.isInfinite { return n < 0 ? "-inf" : "inf" }
        return String(format: "%.10g", n)
    }

    /// A number with at most 6 significant digits (whole numbers in full).
    static func shortNumber(_ n: Double) -> String {
        n == n.rounded() || !n.isFinite ? number(n) : String(format: "%.6g", n)
    }

    /// A tensor on one line: its shape, then its values if few, else the first ones.
    static func inline(_ t: Tensor) -> String {
        let shown = t.array.prefix(t.count <= 8 ? 8 : 4).map(element).joined(separator: ", ")
        return "tensor\(t.shape) [\(shown)\(t.count > 8 ? ", …" : "")]"
    }

    /// Tensor elements with 6 significant digits (float32 holds about 7).
    static func element(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return String(format: "%.6g", Double(x))
    }

    /// The text `print` shows: strings without quotes.
    public static func plain(_ value: Value) -> String {
        if case .string(let s) = value { return s }
        return repr(value)
    }

    /// Lists and records nested deeper than this print as `[…]` / `{…}` (printing recurses).
    static let maximumNesting = 100

    /// The text the REPL echoes and lists contain: strings quoted.
    public static func repr(_ value: Value) -> String { repr(value, depth: 0) }

    private static func repr(_ value: Value, depth: Int) -> String {
        switch value {
        case .list where depth >= maximumNesting: return "[…]"
        case .record where depth >= maximumNesting: return "{…}"
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return number(n)
        case .string(let s): return quoted(s)
        case .list(let items) where !items.isEmpty && items.allSatisfy({ if case .host(let o) = $0 { o is TableRow } else { false } }):
            let rows = items.compactMap { item -> TableRow? in if case .host(let o) = item { o as? TableRow } else { nil } }
            return ([type(of: rows[0]).columnTitles] + rows.map(\.row)).joined(separator: "\n")
        case .list(let items) where items.contains(where: \.isLarge):
            // One per line: a tensor by its shape and a few values, an object by its first line, a record whole.
            return "[" + items.map { item in
                switch item {
                case .tensor(let t): return inline(t)
                case .host(let object): return object.description.split(separator: "\n").first.map(String.init) ?? ""
                default: return repr(item, depth: depth + 1)
                }
            }.joined(separator: ",\n ") + "]"
        case .list(let items): return "[" + items.map { repr($0, depth: depth + 1) }.joined(separator: ", ") + "]"
        case .range(let r): return r.step == 1 ? "\(r.start)..<\(r.end)" : "range(\(r.start), \(r.end), \(r.step))"
        case .tensor(let t): return tensor(t)
        case .record(let r):
            // Measurements fill records: 6 significant digits, as tensors print, say enough.
            return "{" + r.fields.map { field in
                let text = if case .number(let n) = field.value { shortNumber(n) } else { repr(field.value, depth: depth + 1) }
                return "\(field.name): \(text)"
            }.joined(separator: ", ") + "}"
        case .function(let f): return "<function \(f.signature)>"
        case .builtin(let b): return "<built-in \(b.signature)>"
        case .host(let object): return object.description
        }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t") + "\""
    }

    /// Small tensors in full, numpy style; large ones as their summary.
    static func tensor(_ t: Tensor) -> String {
        guard t.count <= fullTensorLimit else { return summary(t) }
        let values = t.array.map(element)
        func nested(_ dim: Int, _ offset: Int, _ indent: String) -> String {
            if dim == t.shape.count { return values[offset] }
            let stride = t.shape[(dim + 1)...].elementCount
            let parts = (0 ..< t.shape[dim]).map { nested(dim + 1, offset + $0 * stride, indent + " ") }
            let separator = dim == t.shape.count - 1 ? ", " : ",\n" + indent + " "
            return "[" + parts.joined(separator: separator) + "]"
        }
        return "tensor(" + nested(0, 0, "       ") + ")"
    }

    /// Shape, element count, mean, standard deviation, extremes and the first few values.
    public static func summary(_ t: Tensor) -> String {
        let s = Statistics(t)
        let first = t.array.prefix(6).map(element).joined(separator: ", ") + (t.count > 6 ? ", …" : "")
        return "tensor\(t.shape) \(t.count) values  mean \(element(Float(s.mean)))  std \(element(Float(s.std)))  "
            + "min \(element(s.min))  max \(element(s.max))\n  [\(first)]"
    }
}

/// Mean, population standard deviation and extremes of a tensor's elements (accumulated in double).
struct Statistics {
    var mean = 0.0, std = 0.0
    var min = Float.nan, max = Float.nan

    init(_ t: Tensor) {
        guard t.count > 0 else { return }
        var sum = 0.0, squares = 0.0
        min = t[flat: 0]
        max = t[flat: 0]
        for i in 0 ..< t.count {
            let x = t[flat: i]
            sum += Double(x)
            squares += Double(x) * Double(x)
            min = Swift.min(min, x)
            max = Swift.max(max, x)
        }
        mean = sum / Double(t.count)
        std = (Swift.max(0, squares / Double(t.count) - mean * mean)).squareRoot()
    }
}
