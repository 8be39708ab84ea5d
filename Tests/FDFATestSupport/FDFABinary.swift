import Foundation
import XCTest

/// The fdfa executable built beside the test bundle, run as a user's shell would.
public enum FDFABinary {
    /// Where it is: beside the test bundle.
    public static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fdfa")
    }

    /// Its path; skips the calling test when it is not built.
    public static func path() throws -> String {
        let path = url.path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("the fdfa binary is not built next to the tests (\(path))")
        }
        return path
    }

    /// Runs fdfa with `arguments`; stdout and stderr together. `environment` adds to (or replaces
    /// entries of) the test's own environment.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try runProgram(try path(), arguments, environment: environment)
    }
}

/// Runs the executable at `path` with `arguments` (in `workingDirectory`, if given) and waits for
/// it; stdout and stderr together. `environment` adds to (or replaces entries of) the test's own environment.
public func runProgram(_ path: String, _ arguments: [String], environment: [String: String] = [:],
                       in workingDirectory: URL? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
