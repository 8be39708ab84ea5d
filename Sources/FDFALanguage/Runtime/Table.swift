/// Rows of text cells: the one source of what a tabular result prints and of the HTML table
/// Jupyter shows beside it (`info(net)`, `align(...)`, records).
public struct Table: Equatable {
    /// A line above the rows saying what they describe, or nil.
    public var caption: String?
    /// Column titles; empty for a table without a header row.
    public var columns: [String]
    public var rows: [[String]]
    /// Whether each row's first cell names the row (a header cell, as a record's field names).
    public var rowHeaders: Bool

    public init(caption: String? = nil, columns: [String] = [], rows: [[String]], rowHeaders: Bool = false) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.rowHeaders = rowHeaders
    }

    /// The table as HTML, every cell escaped and left-aligned (Jupyter right-aligns by default).
    public var html: String {
        func cell(_ tag: String, _ text: String) -> String { "<\(tag) style=\"text-align:left\">\(Table.escape(text))</\(tag)>" }
        var lines = ["<table>"]
        if let caption { lines.append("<caption style=\"text-align:left\">\(Table.escape(caption))</caption>") }
        if !columns.isEmpty { lines.append("<tr>" + columns.map { cell("th", $0) }.joined() + "</tr>") }
        for row in rows {
            lines.append("<tr>" + row.enumerated().map { cell(rowHeaders && $0.offset == 0 ? "th" : "td", $0.element) }.joined() + "</tr>")
        }
        return (lines + ["</table>"]).joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// A host object whose printed form is a table (a network's layers, an alignment report): hosts
/// that show HTML (Jupyter) show `table` beside the text.
protocol Tabular: HostObject {
    var table: Table { get }
}
