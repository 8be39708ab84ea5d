import Foundation
import XCTest

/// The fdfa executable built beside the test bundle, run as a user's shell would.
enum FDFABinary {
    static var path: String {
        Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("fdfa").path
    }

    /// Runs fdfa with `arguments`; stdout and stderr together. Skips the test when fdfa is not built.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("the fdfa binary is not built next to the tests (\(path))")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
