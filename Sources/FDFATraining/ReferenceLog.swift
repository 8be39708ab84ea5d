import FDFAEngine
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

    /// Whether `name` has the form of a log's file name, yymmdd_HHMMSS.csv (or yymmdd_HHMMSS-N.csv,
    /// for runs that started in the same second).
    public static func isLogName(_ name: String) -> Bool {
        name.range(of: #"^[0-9]{6}_[0-9]{6}(-[0-9]+)?\.csv$"#, options: .regularExpression) != nil
    }

    public static let csvHeader = "Epoch,Training Loss,Test Loss,Test Accuracy"

    /// One CSV row: the epoch, the mean training loss, the test loss and accuracy, each printed as
    /// Python prints a float (the shortest text that reads back as the same double).
    public static func csvRow(epoch: Int, trainingLoss: Double, _ e: TrainingRun.Evaluation) -> String {
        "\(epoch),\(trainingLoss),\(e.loss),\(e.accuracy)"
    }
}

/// The CSV log of one run: created with the arguments line and the header, then a row per epoch,
/// each on the disk whole as soon as it is written (see `LineFile`), so a crash, a full disk or
/// Ctrl-C loses nothing already reported and leaves no half row.
public final class CSVLog {
    public var path: String { file.path }
    private let file: LineFile

    public init(path: String, argumentsLine: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        file = try LineFile(creating: path)
        try append(argumentsLine)
        try append(ReferenceLog.csvHeader)
    }

    /// Reopens the log of a run resumed after `epochs` epochs to append the next rows. Rows past
    /// that epoch (written just before a kill that came ahead of the checkpoint) are cut off, so
    /// that every epoch appears once; a log that is not fdfa's, or lacks one of those epochs, is refused.
    public init(resuming path: String, afterEpoch epochs: Int) throws {
        file = try LineFile(appendingTo: path) { lines in
            func refuse(_ reason: String) -> Error { FileError(path: path, operation: "resume the log", reason: reason) }
            guard lines.count >= 2, lines[0].hasPrefix("Namespace("), lines[1].hasPrefix(ReferenceLog.csvHeader) else {
                throw refuse("it does not begin with the arguments line and the header of a log of fdfa train")
            }
            let rows = lines.dropFirst(2)
            guard rows.count >= epochs else {
                throw refuse("it has rows for \(rows.count) epochs, the checkpoint was saved after epoch \(epochs)")
            }
            for (epoch, row) in zip(1 ... max(epochs, 1), rows.prefix(epochs)) where !row.hasPrefix("\(epoch),") {
                throw refuse("row \(epoch) is not epoch \(epoch)'s: \(row)")
            }
            return 2 + epochs
        }
    }

    public func append(_ line: String) throws { try file.append(line) }
}
