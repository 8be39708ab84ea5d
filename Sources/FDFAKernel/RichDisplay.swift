import FDFALanguage

/// The MIME bundles Jupyter shows: a value as the REPL's text, and also as a small HTML table where
/// a table is what it is (a record, `align(...)`); a display (a plot's SVG and terminal drawing,
/// `info(net)`'s table) as it came.
enum RichDisplay {
    static func bundle(_ value: Value) -> JSON {
        var bundle: JSON = [CellOutput.plainText: Display.repr(value)]
        if let html = Display.html(value) { bundle[CellOutput.html] = html }
        return bundle
    }

    /// The display's data, its text without the line break that ends it at a terminal.
    static func bundle(_ data: [String: String]) -> JSON {
        var bundle: JSON = data
        if let text = data[CellOutput.plainText], text.hasSuffix("\n") { bundle[CellOutput.plainText] = String(text.dropLast()) }
        return bundle
    }
}
