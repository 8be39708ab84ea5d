import FDFATestSupport
import Foundation
import XCTest

/// Runs the built `fdfa` binary (beside the test bundle in the products directory) and captures
/// its output, as a user's shell would.
struct FDFAProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var binary: URL { FDFABinary.url }

    /// Starts fdfa in the background (for tests that interrupt or kill it): stdout discarded, stderr
    /// into `stderr` when given, else discarded.
    static func start(_ arguments: [String], in directory: URL? = nil, stderr: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    static func run(_ arguments: [String], in directory: URL? = nil, input: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A fresh temporary directory per test.
class CommandLineTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: FDFAProcess.binary.path),
                          "fdfa is not built beside the tests (scripts/test builds it first)")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fdfa-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func files(under path: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory.appendingPathComponent(path).path)?.allObjects as? [String] ?? []).sorted()
    }
}
