import FDFAData
import Foundation

/// The plan of a sweep, written as `sweep.json` at the top of its output folder: the grid's parameters
/// and, for every run, its folder name, its settings and the exact `fdfa train` arguments it runs with.
/// Every process working on the folder (a local sweep, each task of a Slurm job array, a report)
/// reads the same plan, so run `i` means the same training everywhere.
public struct SweepManifest: Codable, Equatable {
    /// One swept flag (without its dashes) and its values in grid order.
    public struct Parameter: Codable, Equatable {
        public let name: String
        public let values: [String]
        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
    }

    public struct Run: Codable, Equatable {
        public let index: Int
        /// The run's folder under the sweep's: its settings, e.g. `train-mode=FDFA_seed=0`.
        public let name: String
        /// The swept parameters' values for this run, in the parameters' order.
        public let settings: [Setting]
        /// `fdfa train` arguments, without the per-run paths (log directory, checkpoint, resume).
        public let arguments: [String]
        public init(index: Int, name: String, settings: [Setting], arguments: [String]) {
            self.index = index
            self.name = name
            self.settings = settings
            self.arguments = arguments
        }
    }

    public struct Setting: Codable, Equatable, Hashable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public static let fileName = "sweep.json"

    public let parameters: [Parameter]
    public let runs: [Run]

    public init(parameters: [Parameter], runs: [Run]) {
        self.parameters = parameters
        self.runs = runs
    }

    public static func read(directory: String) throws -> SweepManifest {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        guard let data = try sweepFile(path) else { throw SweepError("\(directory) is not a sweep: it has no \(fileName)") }
        do {
            return try JSONDecoder().decode(SweepManifest.self, from: data)
        } catch {
            throw SweepError("\(path) is not a sweep manifest: \(error)")
        }
    }

    public func write(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(encoder.encode(self), to: URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName).path)
    }
}

/// A finished run's `result.json`: its settings and final metrics. It is written atomically after the
/// training ended well, so its presence is what marks a run as finished.
public struct SweepResult: Codable, Equatable {
    public static let fileName = "result.json"

    public let index: Int
    public let name: String
    public let settings: [SweepManifest.Setting]
    public let arguments: [String]
    /// The CSV log, relative to the run's folder.
    public let csv: String
    public let epochs: Int
    public let finalTestAccuracy: Double
    public let bestTestAccuracy: Double
    public let finalTestLoss: Double
    public let finalTrainingLoss: Double

    public init(run: SweepManifest.Run, csv: String, rows: [SweepLogRow]) {
        index = run.index
        name = run.name
        settings = run.settings
        arguments = run.arguments
        self.csv = csv
        epochs = rows.count
        finalTestAccuracy = rows.last?.testAccuracy ?? .nan
        bestTestAccuracy = rows.map(\.testAccuracy).max() ?? .nan
        finalTestLoss = rows.last?.testLoss ?? .nan
        finalTrainingLoss = rows.last?.trainingLoss ?? .nan
    }

    /// The result in `runDirectory`, or nil when there is none (the run is not finished).
    public static func read(runDirectory: String) throws -> SweepResult? {
        let path = URL(fileURLWithPath: runDirectory).appendingPathComponent(fileName).path
        guard let data = try sweepFile(path) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = nonFinite
        do {
            return try decoder.decode(SweepResult.self, from: data)
        } catch {
            throw SweepError("\(path) is damaged (\(error)); delete it to run that training again")
        }
    }

    /// A run of zero epochs has no accuracy (NaN), which JSON cannot hold as a number.
    private static let nonFinite = JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    private static let nonFiniteText = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    public func write(runDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = Self.nonFiniteText
        try writeAtomically(encoder.encode(self), to: URL(fileURLWithPath: runDirectory).appendingPathComponent(Self.fileName).path)
    }
}

/// A data row of the reference's CSV log (`Epoch,Training Loss,Test Loss,Test Accuracy`).
public struct SweepLogRow: Equatable {
    public let epoch: Int
    public let trainingLoss: Double
    public let testLoss: Double
    public let testAccuracy: Double

    /// The rows of a CSV log after its arguments line and header; throws on a garbled row.
    public static func read(csv path: String) throws -> [SweepLogRow] {
        guard let data = try sweepFile(path) else { throw SweepError("cannot read \(path): no such file") }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        return try lines.dropFirst(2).enumerated().map { offset, line in
            let cells = line.split(separator: ",").map { Double($0) }
            guard cells.count == 4, let epoch = cells[0], let train = cells[1], let loss = cells[2], let accuracy = cells[3] else {
                throw SweepError("\(path):\(offset + 3): '\(line)' is not a row of Epoch,Training Loss,Test Loss,Test Accuracy")
            }
            return SweepLogRow(epoch: Int(epoch), trainingLoss: train, testLoss: loss, testAccuracy: accuracy)
        }
    }
}

/// The bytes of the sweep's file at `path`, or nil when nothing is there; a directory, a FIFO or an
/// unreadable file in its place is an error saying which. An empty file (a log a run has just
/// created) has no bytes, as before.
private func sweepFile(_ path: String) throws -> Data? {
    guard FileBytes.exists(path) else { return nil }
    var info = stat()
    if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 { return Data() }
    do { return Data(try FileBytes.readRaw(path)) } catch { throw SweepError("\(error)") }
}

public struct SweepError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
