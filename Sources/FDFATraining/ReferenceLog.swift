import FDFAEngine
import Foundation

/// The reference implementation's console lines and CSV log (docs/reference.md#command-line-and-logs), byte for byte, so that
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

    /// `Using seed {seed}`: printed first, and only for a seed ≥ 0 (`print("Using seed", args.seed)`).
    public static func seedLine(_ seed: Int) -> String? { seed >= 0 ? "Using seed \(seed)" : nil }

    /// The parameter listing the original prints after its first test, one line per parameter in
    /// `named_parameters()` order: `print(name, type(param.data), param.size(), param.is_leaf, param.requires_grad)`,
    /// e.g. `fc_hidden.0.weight <class 'torch.Tensor'> torch.Size([800, 784]) True True`. DFA's fixed
    /// feedback matrices are the ones that do not require a gradient. `feedback` is the rule's `tapFeedback`.
    public static func parameterLines(_ network: Network, rule: Rule, feedback: [Tensor]) -> [String] {
        StateDict.entries(of: network, feedback: feedback).compactMap { entry in
            let requiresGradient: Bool
            switch entry.role {
            case .parameter, .absentFeedback: requiresGradient = true
            case .feedback: requiresGradient = rule != .dfa
            case .statistic, .batchesTracked: return nil
            }
            let size = "torch.Size([" + entry.tensor.shape.map(String.init).joined(separator: ", ") + "])"
            return "\(entry.name) <class 'torch.Tensor'> \(size) True \(python(requiresGradient))"
        }
    }

    /// Python's `str` of a bool.
    public static func python(_ b: Bool) -> String { b ? "True" : "False" }

    /// Python's `repr` of a float: the shortest digits that read back as the same double, in fixed
    /// notation for exponents from -4 to 15 (`0.0001`, `100.0`) and scientific otherwise (`1e-05`, `1e+16`).
    public static func python(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description has the same shortest digits; only the layout differs.
        let text = "\(abs(x))"
        let parts = text.split(separator: "e")
        var exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0]
        let point = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
        exponent += mantissa.distance(from: mantissa.startIndex, to: point) - 1
        var digits = mantissa.filter { $0 != "." }
        while digits.count > 1, digits.first == "0" { digits.removeFirst(); exponent -= 1 }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let sign = x < 0 ? "-" : ""
        if exponent < -4 || exponent >= 16 {
            let tail = digits.count > 1 ? "." + digits.dropFirst() : ""
            return sign + String(digits.first!) + tail + "e" + (exponent < 0 ? "-" : "+") + String(format: "%02d", abs(exponent))
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits }
        let whole = digits.count > exponent + 1 ? String(digits.prefix(exponent + 1)) : digits + String(repeating: "0", count: exponent + 1 - digits.count)
        let fraction = digits.count > exponent + 1 ? String(digits.dropFirst(exponent + 1)) : "0"
        return sign + whole + "." + fraction
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

    public static let csvHeader = ["Epoch", "Training Loss", "Test Loss", "Test Accuracy"]

    /// One CSV row: the epoch, the mean training loss, the test loss and accuracy, each printed as
    /// Python prints a float (the shortest text that reads back as the same double).
    public static func csvRow(epoch: Int, trainingLoss: Double, _ e: TrainingRun.Evaluation) -> [String] {
        ["\(epoch)", python(trainingLoss), python(e.loss), python(e.accuracy)]
    }

    /// The training loss the original logs for an epoch: the mean over its batches, but 0.0 in a
    /// dry run, which stops at the first logged batch before adding its loss.
    public static func loggedTrainingLoss(_ meanLoss: Double, dryRun: Bool) -> Double { dryRun ? 0 : meanLoss }
}

/// The CSV log of one run: created with the arguments line and the header, then a row per epoch,
/// each on the disk whole as soon as it is written (see `LineFile`), so a crash, a full disk or
/// Ctrl-C loses nothing already reported and leaves no half row. As the original's CSVLogger: the
/// arguments line ends in `\n` (a plain write), the header and rows in `\r\n` (Python's csv module).
public final class CSVLog {
    public var path: String { file.path }
    private let file: CSVFile

    /// Creates the log at `path`, or, when that file exists (another run started in the same second
    /// with the same log directory), at `{name}-2.csv`, `{name}-3.csv`, …: a log is never overwritten.
    public init(path: String, argumentsLine: String) throws {
        try createDirectory(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        let created = try Self.createExclusively(path)
        try created.append(argumentsLine)
        file = CSVFile(created, terminator: Self.rowEnd)
        try append(ReferenceLog.csvHeader)
    }

    /// Creates the first of `path`, `{stem}-2.csv`, `{stem}-3.csv`, … that does not exist yet, in
    /// the same system call that checks (O_EXCL), so two processes racing for one name never share a file.
    private static func createExclusively(_ path: String) throws -> LineFile {
        let stem = path.hasSuffix(".csv") ? String(path.dropLast(4)) : path
        var candidate = path, n = 1
        while true {
            if let file = try LineFile.creatingNew(candidate) { return file }
            n += 1
            candidate = "\(stem)-\(n).csv"
        }
    }

    /// Reopens the log of a run resumed after `epochs` epochs to append the next rows. Rows past
    /// that epoch (written just before a kill that came ahead of the checkpoint) are cut off, so
    /// that every epoch appears once; a log that is not fdfa's, or lacks one of those epochs, is refused.
    /// So is a log whose arguments line lacks one of `sameRunAs` (fields such as `dataset='MNIST'`):
    /// another run's log that happens to bear the name, which must not be appended to.
    public init(resuming path: String, afterEpoch epochs: Int, sameRunAs fields: [String] = []) throws {
        let opened = try LineFile(appendingTo: path) { lines in
            func refuse(_ reason: String) -> Error { FileError(path: path, operation: "resume the log", reason: reason) }
            guard lines.count >= 2, lines[0].hasPrefix("Namespace("), lines[1].hasPrefix(CSVFile.line(ReferenceLog.csvHeader)) else {
                throw refuse("it does not begin with the arguments line and the header of a log of fdfa train")
            }
            let arguments = lines[0].trimmingCharacters(in: .newlines)
            for field in fields where !["(\(field), ", ", \(field), ", ", \(field))"].contains(where: arguments.contains) {
                throw refuse("it is the log of a run started with other flags (this one has \(field); a resumed run "
                             + "keeps the flags it was started with, but --epochs): \(arguments)")
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
        file = CSVFile(opened, terminator: Self.rowEnd)
    }

    /// How Python's csv module ends a row.
    private static let rowEnd = "\r\n"

    /// Appends a CSV row (or the header).
    public func append(_ cells: [String]) throws { try file.write(cells) }
}
