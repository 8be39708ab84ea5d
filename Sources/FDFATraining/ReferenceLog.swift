import Foundation

/// The reference implementation's console lines and CSV log (SPEC §5), byte for byte, so that
/// scripts written against the PyTorch original read fdfa's output unchanged.
public enum ReferenceLog {
    /// `Train Epoch: {epoch} [{seen}/{N} ({percent:.0f}%)]\tLoss: {loss:.4f}`
    public static func trainLine(epoch: Int, _ p: TrainingRun.BatchProgress) -> String {
        let percent = 100 * Double(p.index) / Double(p.batchCount)
        return "Train Epoch: \(epoch) [\(p.samplesBefore)/\(p.sampleCount) (\(String(format: "%.0f", percent))%)]\tLoss: \(String(format: "%.4f", p.loss))"
    }

    /// A blank line, `Test set: Average loss: {loss:.4f}, Accuracy: ({acc:.2f}%)`, a blank line.
    public static func testLines(_ e: TrainingRun.Evaluation) -> String {
        "\nTest set: Average loss: \(String(format: "%.4f", e.loss)), Accuracy: (\(String(format: "%.2f", e.accuracy))%)\n"
    }

    /// Whether the reference prints a console line after batch `index`.
    public static func logsBatch(_ index: Int, interval: Int) -> Bool { interval > 0 && index % interval == 0 }

    /// `{logDir}/{MODE}/{yymmdd_HHMMSS}.csv`
    public static func csvPath(logDir: String, mode: String, date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyMMdd_HHmmss"
        return URL(fileURLWithPath: logDir).appendingPathComponent(mode).appendingPathComponent(f.string(from: date) + ".csv").path
    }

    public static let csvHeader = "Epoch,Training Loss,Test Loss,Test Accuracy"

    /// One CSV row: the epoch, the mean training loss, the test loss and accuracy, each printed as
    /// Python prints a float (the shortest text that reads back as the same double).
    public static func csvRow(epoch: Int, trainingLoss: Double, _ e: TrainingRun.Evaluation) -> String {
        "\(epoch),\(trainingLoss),\(e.loss),\(e.accuracy)"
    }
}

/// The CSV log of one run: created with the arguments line and the header, then a row per epoch,
/// each flushed at once so a crash or Ctrl-C loses nothing already reported.
public final class CSVLog {
    public let path: String
    private let handle: FileHandle

    /// Creates the log at `path`, or, when that file exists (another run started in the same second
    /// with the same log directory), at `{name}-2.csv`, `{name}-3.csv`, …: a log is never overwritten.
    public init(path: String, argumentsLine: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let (descriptor, created) = try Self.createExclusively(path)
        self.path = created
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try append(argumentsLine)
        try append(ReferenceLog.csvHeader)
    }

    /// Opens the first of `path`, `{stem}-2.csv`, `{stem}-3.csv`, … that does not exist yet, creating
    /// it in the same system call (O_EXCL), so two processes racing for one name never share a file.
    private static func createExclusively(_ path: String) throws -> (descriptor: Int32, path: String) {
        let stem = path.hasSuffix(".csv") ? String(path.dropLast(4)) : path
        var candidate = path, n = 1
        while true {
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (descriptor, candidate) }
            guard errno == EEXIST else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: candidate,
                                                               NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
            n += 1
            candidate = "\(stem)-\(n).csv"
        }
    }

    /// Reopens an existing log to append rows (a resumed run continues its log).
    public init(appendingTo path: String) throws {
        self.path = path
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    public func append(_ line: String) throws {
        try handle.write(contentsOf: Data((line + "\n").utf8))
        try handle.synchronize()
    }

    deinit { try? handle.close() }
}
