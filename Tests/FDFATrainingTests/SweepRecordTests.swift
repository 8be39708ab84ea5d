import Foundation
import FDFATestSupport
import XCTest
@testable import FDFATraining

final class CSVLogCollisionTests: XCTestCase {
    /// Two runs started in the same second with the same --log-dir get the same reference name; the
    /// second must not truncate the first's log.
    func testASecondLogOfTheSameNameGetsASuffixAndTheFirstIsKept() throws {
        let directory = try temporaryDirectory(self)
        let second = Date(timeIntervalSince1970: 1_800_000_000)
        let path = ReferenceLog.csvPath(logDir: directory.path, mode: "FDFA", date: second)
        let first = try CSVLog(path: path, argumentsLine: "Namespace(first)")
        try first.append(["1", "0.5", "0.4", "90.0"])
        let other = try CSVLog(path: ReferenceLog.csvPath(logDir: directory.path, mode: "FDFA", date: second), argumentsLine: "Namespace(second)")
        let third = try CSVLog(path: path, argumentsLine: "Namespace(third)")
        XCTAssertEqual(first.path, path)
        XCTAssertEqual(other.path, String(path.dropLast(4)) + "-2.csv")
        XCTAssertEqual(third.path, String(path.dropLast(4)) + "-3.csv")
        XCTAssertNotNil(URL(fileURLWithPath: path).lastPathComponent.range(of: #"^\d{6}_\d{6}\.csv$"#, options: .regularExpression))
        try first.append(["2", "0.25", "0.3", "91.0"])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "Namespace(first)\nEpoch,Training Loss,Test Loss,Test Accuracy\r\n1,0.5,0.4,90.0\r\n2,0.25,0.3,91.0\r\n")
        XCTAssertEqual(try String(contentsOfFile: other.path, encoding: .utf8), "Namespace(second)\nEpoch,Training Loss,Test Loss,Test Accuracy\r\n")
    }
}

final class SweepStatisticsTests: XCTestCase {
    /// Student t 0.975 quantiles from a standard table (the expansion covers more than 30 degrees of freedom).
    func testTQuantileMatchesTheTable() {
        let table: [(Int, Double)] = [(1, 12.7062), (2, 4.3027), (5, 2.5706), (29, 2.0452), (30, 2.0423),
                                      (40, 2.0211), (60, 2.0003), (120, 1.9799), (100_000, 1.9600)]
        for (n, t) in table { XCTAssertEqual(SweepStatistics.tQuantile975(degreesOfFreedom: n), t, accuracy: 1e-4, "df \(n)") }
    }

    /// A sweep folder written by hand: two rules × three seeds, rows chosen so the statistics are known.
    func testGroupsAndPairedComparisonOfAHandWrittenSweep() throws {
        let directory = try temporaryDirectory(self)
        let accuracies = ["FDFA": [90.0, 92.0, 94.0], "DFA": [89.0, 90.0, 94.0]]
        var runs: [SweepManifest.Run] = []
        for mode in ["FDFA", "DFA"] {
            for seed in 0..<3 {
                let settings = [SweepManifest.Setting(name: "train-mode", value: mode), .init(name: "seed", value: "\(seed)")]
                runs.append(.init(index: runs.count, name: "train-mode=\(mode)_seed=\(seed)", settings: settings, arguments: []))
            }
        }
        let manifest = SweepManifest(parameters: [.init(name: "train-mode", values: ["FDFA", "DFA"]), .init(name: "seed", values: ["0", "1", "2"])],
                                     runs: runs)
        try manifest.write(directory: directory.path)
        for run in runs.dropLast() {  // the last run (DFA, seed 2) is missing
            let folder = SweepDirectory.runFolder(run, in: directory.path)
            let accuracy = accuracies[run.settings[0].value]![Int(run.settings[1].value)!]
            let csv = "log/X/a.csv"
            try writeAtomically(Data("Namespace()\nEpoch,Training Loss,Test Loss,Test Accuracy\n1,1.0,0.9,50.0\n2,0.5,0.4,\(accuracy)\n".utf8),
                                to: folder + "/" + csv)
            try SweepResult(run: run, csv: csv, rows: try SweepLogRow.read(csv: folder + "/" + csv)).write(runDirectory: folder)
        }
        let sweep = try SweepDirectory(path: directory.path)
        XCTAssertEqual(sweep.missing.map(\.run.name), ["train-mode=DFA_seed=2"])
        let groups = SweepStatistics.groups(sweep)
        XCTAssertEqual(groups.map(\.label), ["train-mode=FDFA", "train-mode=DFA"])
        let fdfa = SweepStatistics.Summary(groups[0].runs.map { $0.rows.last!.testAccuracy })
        XCTAssertEqual(fdfa.count, 3)
        XCTAssertEqual(fdfa.mean, 92, accuracy: 1e-12)
        XCTAssertEqual(fdfa.standardDeviation, 2, accuracy: 1e-12)
        XCTAssertEqual(sweep.finished[0].result?.bestTestAccuracy, 90)

        let comparison = try SweepStatistics.compare(sweep, "FDFA", "DFA") { $0.rows.last!.testAccuracy }
        XCTAssertEqual(comparison.count, 1)
        XCTAssertEqual(comparison[0].differences, [1, 2], "seed 2 has no DFA run to pair with")
        let half = 12.706205 * (0.5).squareRoot() / (2).squareRoot()
        XCTAssertEqual(comparison[0].interval!.lowerBound, 1.5 - half, accuracy: 1e-9)
        XCTAssertEqual(comparison[0].interval!.upperBound, 1.5 + half, accuracy: 1e-9)
        XCTAssertThrowsError(try SweepStatistics.compare(sweep, "FDFA", "BP") { _ in 0 })
    }
}

/// A sweep's files that are no file say why: they said only "cannot read PATH" (or waited on a FIFO).
final class SweepFileReasonTests: XCTestCase {
    func testADirectoryAFIFOOrNothingInAFilesPlaceIsNamed() throws {
        let directory = try temporaryDirectory(self).path
        let fifo = directory + "/log.csv", folder = directory + "/sweep"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        try FileManager.default.createDirectory(atPath: folder + "/" + SweepManifest.fileName, withIntermediateDirectories: true)
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message { try SweepLogRow.read(csv: fifo) }, "cannot read \(fifo): is not a regular file (a FIFO, socket or device)")
        XCTAssertEqual(message { try SweepLogRow.read(csv: directory) }, "cannot read \(directory): is a directory, not a file")
        XCTAssertEqual(message { try SweepLogRow.read(csv: directory + "/none.csv") }, "cannot read \(directory)/none.csv: no such file")
        XCTAssertEqual(message { try SweepManifest.read(directory: folder) }, "cannot read \(folder)/sweep.json: is a directory, not a file")
        FileManager.default.createFile(atPath: directory + "/empty.csv", contents: Data())
        XCTAssertEqual(try SweepLogRow.read(csv: directory + "/empty.csv"), [], "a log just created has no rows yet")
    }
}
