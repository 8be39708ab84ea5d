import Foundation
import XCTest
@testable import FDFAEngine

/// Files written whole or not at all, and the errors of a full disk, simulated with the file-size
/// limit (RLIMIT_FSIZE), which fails a write part way exactly as a full disk does.
final class FileWritingTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "fdfa-files-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs `body` with files limited to `bytes` (writes beyond fail with EFBIG, not a signal).
    func withFileSizeLimit<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> T {
        var saved = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
        var limit = saved
        limit.rlim_cur = rlim_t(bytes)
        let previous = signal(SIGXFSZ, SIG_IGN)
        setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
        defer {
            setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
            signal(SIGXFSZ, previous)
        }
        return try body()
    }

    func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func testALineThatDoesNotFitLeavesNothingOfItselfAndSaysWhy() throws {
        let path = directory + "log.csv"
        let file = try LineFile(creating: path)
        try file.append("header")
        try withFileSizeLimit(20) {
            try file.append("1,0.5")
            XCTAssertThrowsError(try file.append("2,0.123456789")) { error in
                XCTAssertEqual("\(error)", "cannot write \(path): the file would exceed the largest size allowed")
            }
        }
        XCTAssertEqual(try contents(path), "header\n1,0.5\n", "no half row")
        try file.append("2,0.25")
        XCTAssertEqual(try contents(path), "header\n1,0.5\n2,0.25\n", "the file goes on after the failure")
    }

    func testAppendingCutsOffWhatIsNotKeptAndAHalfLine() throws {
        let path = directory + "log.csv"
        try Data("a\nb\nc\nhalf".utf8).write(to: URL(fileURLWithPath: path))
        var seen: [String] = []
        let file = try LineFile(appendingTo: path) { lines in
            seen = lines
            return 2
        }
        XCTAssertEqual(seen, ["a", "b", "c"], "the half line is not a line")
        try file.append("d")
        XCTAssertEqual(try contents(path), "a\nb\nd\n")
    }

    /// The cells as Python's csv.writer writes them (checked against it): minimal quoting, quotes doubled.
    func testCSVCellsAreQuotedAsPythonsCSVModuleQuotesThem() {
        XCTAssertEqual(CSVFile.line(["a", "b,c", "say \"hi\"", "x\ny", "1.5", ""]), "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",1.5,")
    }

    func testAFIFOIsRefusedNotWaitedOn() throws {
        let path = directory + "fifo"
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        XCTAssertThrowsError(try LineFile(creating: path)) { error in
            XCTAssertTrue("\(error)".contains("not a regular file"), "\(error)")
        }
    }

    func testAFailedAtomicWriteKeepsTheOldFileAndLeavesNoTemporary() throws {
        let path = directory + "state.bin"
        try AtomicFile.write("old", to: path)
        XCTAssertThrowsError(try withFileSizeLimit(1000) { try AtomicFile.write([UInt8](repeating: 7, count: 5000), to: path) }) { error in
            XCTAssertEqual("\(error)", "cannot write \(path): the file would exceed the largest size allowed")
        }
        XCTAssertEqual(try contents(path), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["state.bin"])
        try AtomicFile.write("new", to: path)
        XCTAssertEqual(try contents(path), "new")
    }

    func testStaleTemporariesOfDeadWritersAreRemovedOthersKept() throws {
        let path = directory + "checkpoint.safetensors"
        // A process that has exited: its pid names a writer that is gone.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = AtomicFile.temporaryPath(for: path, pid: child.processIdentifier)
        let live = AtomicFile.temporaryPath(for: path, pid: 1)
        let mine = AtomicFile.temporaryPath(for: path, pid: getpid())
        let other = directory + ".other.safetensors.\(child.processIdentifier).tmp"
        for file in [dead, live, mine, other] { _ = FileManager.default.createFile(atPath: file, contents: Data([1])) }
        AtomicFile.removeStaleTemporaries(beside: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        for file in [live, mine, other] { XCTAssertTrue(FileManager.default.fileExists(atPath: file), file) }
    }
}
