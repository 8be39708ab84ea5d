import FDFAEngine
import Foundation

/// A CSV file written a row at a time: the header once, then rows, each on the disk whole as soon
/// as it is written (see `LineFile`), so a run that dies still leaves every measured row behind and
/// a full disk leaves no half row.
final class CSVFile {
    private let file: LineFile
    var path: String { file.path }

    /// Creates (or truncates) the file, and its directory if missing.
    init(path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        file = try LineFile(creating: path)
    }

    /// Reopens an existing file to append rows. `keeping` sees its lines split into cells and says
    /// how many stay (see `LineFile.init(appendingTo:keeping:)`).
    init(appendingTo path: String, keeping: ([[Substring]]) throws -> Int) throws {
        file = try LineFile(appendingTo: path) { lines in try keeping(lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }) }
    }

    func write(_ cells: [String]) throws {
        try file.append(cells.joined(separator: ","))
    }

    func close() { file.close() }
}
