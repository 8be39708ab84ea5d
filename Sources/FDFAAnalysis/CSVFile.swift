import Foundation

/// A CSV file written a row at a time: the header once, then rows, each on disk as soon as it is
/// written (FileHandle does not buffer), so a run that dies still leaves every measured row behind.
final class CSVFile {
    let path: String
    private var handle: FileHandle?

    /// Creates (or truncates) the file, and its directory if missing.
    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw TrackError("cannot write \(path)") }
        self.handle = handle
    }

    func write(_ cells: [String]) {
        handle?.write((cells.joined(separator: ",") + "\n").data(using: .utf8)!)
    }

    func close() {
        try? handle?.close()
        handle = nil
    }

    deinit { close() }
}
