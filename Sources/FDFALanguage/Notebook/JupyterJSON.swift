import Foundation

/// JSON laid out byte for byte as Jupyter's writer (nbformat) lays out a notebook, so that a notebook
/// fdfa wrote and Jupyter saved again differs only where its content changed: Python's
/// `json.dumps(indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False)`, with the
/// multiline strings split as nbformat splits them (`str.splitlines(keepends=True)`).
enum JupyterJSON {
    /// `value` (dictionaries with String keys, arrays, String, Bool, Int, UInt64, NSNull and
    /// `JSONValue`) as text.
    static func text(_ value: Any) -> String {
        var out = ""
        write(value, level: 0, to: &out)
        return out
    }

    private static func write(_ value: Any, level: Int, to out: inout String) {
        let inner = "\n" + String(repeating: " ", count: level + 1)
        switch value {
        case let object as [String: Any]:
            guard !object.isEmpty else { return out += "{}" }
            // Python sorts keys by code point.
            let keys = object.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
            out += "{"
            for (i, key) in keys.enumerated() {
                out += (i == 0 ? "" : ",") + inner
                quote(key, to: &out)
                out += ": "
                write(object[key]!, level: level + 1, to: &out)
            }
            out += "\n" + String(repeating: " ", count: level) + "}"
        case let array as [Any]:
            guard !array.isEmpty else { return out += "[]" }
            out += "["
            for (i, element) in array.enumerated() {
                out += (i == 0 ? "" : ",") + inner
                write(element, level: level + 1, to: &out)
            }
            out += "\n" + String(repeating: " ", count: level) + "]"
        case let string as String:
            quote(string, to: &out)
        case let bool as Bool:
            out += bool ? "true" : "false"
        case let int as Int:
            out += String(int)
        case let int as UInt64:
            out += String(int)
        case is NSNull:
            out += "null"
        case let json as JSONValue:
            switch json {
            case .null: out += "null"
            case .bool(let value): write(value, level: level, to: &out)
            case .int(let value): write(value, level: level, to: &out)
            // Python's repr of a float, for the finite values JSON holds: Swift's shortest round-trip form.
            case .double(let value): out += "\(value)"
            case .string(let value): quote(value, to: &out)
            case .array(let values): write(values as [Any], level: level, to: &out)
            case .object(let members): write(members as [String: Any], level: level, to: &out)
            }
        default:
            preconditionFailure("JupyterJSON: unsupported value \(type(of: value))")
        }
    }

    /// A JSON string as Python's json module writes it with ensure_ascii=False: only the quote, the
    /// backslash and the control characters below U+0020 are escaped.
    private static func quote(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// The line breaks of Python's `str.splitlines` (besides "\r\n", which ends one line).
    private static let lineBreaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]

    /// Jupyter's multiline strings: `text` split as Python's `text.splitlines(True)` splits it, each
    /// line keeping its break.
    static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var line = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            line.append(scalar)
            next = scalars.next()
            guard lineBreaks.contains(scalar.value) else { continue }
            if scalar == "\r", next == "\n" {
                line.append("\n")
                next = scalars.next()
            }
            result.append(String(line))
            line = String.UnicodeScalarView()
        }
        if !line.isEmpty { result.append(String(line)) }
        return result
    }
}
