import FDFALanguage

/// The MIME bundles Jupyter shows: a value as the REPL's text, and a record also as a small HTML
/// table (a table is what it is); a display (a plot's SVG and terminal drawing) as it came.
enum RichDisplay {
    static func bundle(_ value: Value) -> JSON {
        var bundle: JSON = ["text/plain": Display.repr(value)]
        if case .record(let record) = value { bundle["text/html"] = table(record) }
        return bundle
    }

    /// The display's data, its text without the line break that ends it at a terminal.
    static func bundle(_ data: [String: String]) -> JSON {
        var bundle: JSON = data
        if let text = data["text/plain"], text.hasSuffix("\n") { bundle["text/plain"] = String(text.dropLast()) }
        return bundle
    }

    private static func table(_ record: Record) -> String {
        let rows = record.fields.map {
            "<tr><th style=\"text-align:left\">\(escape($0.name))</th><td style=\"text-align:left\">\(escape(Display.repr($0.value)))</td></tr>"
        }
        return "<table>\n" + rows.joined(separator: "\n") + "\n</table>"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
