import Foundation

/// A CSV file written a row at a time, each row on the disk whole as soon as it is written (see
/// `LineFile`), so a run that dies still leaves every measured row behind and a full disk leaves no
/// half row. Every CSV fdfa writes (training logs, tracked quantities, studies, sweep reports) is
/// formatted by `line(_:)`, so the quoting rules live here only.
public final class CSVFile {
    private let file: LineFile
    private let terminator: String
    public var path: String { file.path }

    /// One row as text, without its line end: the cells joined by commas, as Python's csv module
    /// writes them (minimal quoting): a cell holding a comma, a quote or a line break is put in
    /// quotes, with its quotes doubled.
    public static func line(_ cells: [String]) -> String {
        cells.map { cell in
            cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ",")
    }

    /// Creates (or truncates) the file, and its directory if missing.
    public convenience init(path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        self.init(try LineFile(creating: path))
    }

    /// Reopens an existing file to append rows. `keeping` sees its lines split into cells and says
    /// how many stay (see `LineFile.init(appendingTo:keeping:)`); for files of unquoted cells.
    public convenience init(appendingTo path: String, keeping: ([[Substring]]) throws -> Int) throws {
        self.init(try LineFile(appendingTo: path) { lines in try keeping(lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }) })
    }

    /// Rows go into `file`, each ended by `terminator` ("\r\n" is what Python's csv module ends rows with).
    public init(_ file: LineFile, terminator: String = "\n") {
        self.file = file
        self.terminator = terminator
    }

    public func write(_ cells: [String]) throws {
        try file.append(Self.line(cells), terminator: terminator)
    }

    public func close() { file.close() }
}
