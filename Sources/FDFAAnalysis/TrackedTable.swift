/// Rows of numbers under named columns, as a `Tracker` records them: the in-memory twin of its CSV,
/// for plotting in the REPL or a study without reading the file back.
public struct TrackedTable {
    public private(set) var columns: [String] = []
    public private(set) var rows: [[Double]] = []

    public init() {}

    /// Appends a row; the first row fixes the columns, later rows must carry the same names.
    mutating func append(_ cells: [(name: String, value: Double)]) {
        if columns.isEmpty { columns = cells.map(\.name) }
        precondition(cells.map(\.name) == columns, "a tracked row changed its columns")
        rows.append(cells.map(\.value))
    }

    /// The values of one column, in row order; nil if there is no such column.
    public func column(_ name: String) -> [Double]? {
        columns.firstIndex(of: name).map { c in rows.map { $0[c] } }
    }

    /// A column against the `step` column, ready to plot (named `label`, or the column's name).
    public func series(_ name: String, label: String? = nil) -> PlotSeries? {
        guard let y = column(name), let x = column("step") else { return nil }
        return PlotSeries(name: label ?? name, x: x, y: y)
    }
}
