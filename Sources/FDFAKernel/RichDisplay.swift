import FDFALanguage

/// The MIME bundles Jupyter shows for what a cell displays: always the REPL's text as text/plain,
/// plus the SVG of a figure, and a small HTML table for a record (a table is what it is).
enum RichDisplay {
    static func bundle(_ item: Displayed) -> JSON {
        var bundle: JSON = ["text/plain": String(item.text.dropLast(item.text.hasSuffix("\n") ? 1 : 0))]
        switch item {
        case .figure(_, let svg):
            bundle["image/svg+xml"] = svg
        case .value(.record(let record)):
            bundle["text/html"] = table(record)
        case .value:
            break
        }
        return bundle
    }

    private static func table(_ record: Record) -> String {
        let rows = record.fields.map { "<tr><th style=\"text-align:left\">\(escape($0.name))</th><td style=\"text-align:left\">\(escape(Display.repr($0.value)))</td></tr>" }
        return "<table>\n" + rows.joined(separator: "\n") + "\n</table>"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
