import Foundation
import XCTest

/// A test that drives the built `fdfa` (beside the test bundle) as a Jupyter kernel from Debian's
/// Jupyter client (/usr/bin/python3; scripts/setup.sh installs it): the kernelspec is installed into
/// a fresh temporary prefix with `fdfa kernel install --prefix`, and Jupyter's paths point there.
class JupyterTestCase: XCTestCase {
    static let python = "/usr/bin/python3"
    static var fdfa: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fdfa")
    }
    /// The Python side of the tests, beside this file.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python")

    var directory: URL!

    struct Output {
        let status: Int32
        let text: String
    }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.fdfa.path),
                          "fdfa is not built beside the tests (scripts/test builds it first)")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fdfa-kernel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let install = try run(Self.fdfa, ["kernel", "install", "--prefix", directory.path])
        XCTAssertEqual(install.status, 0, install.text)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Runs a Python module or script of Scripts/ with Jupyter's paths in the temporary prefix.
    func python(_ arguments: [String]) throws -> Output {
        let module = "import jupyter_client, jupyter_kernel_test, nbclient"
        let check = try run(URL(fileURLWithPath: Self.python), ["-c", module])
        guard check.status == 0 else {
            XCTFail("Debian's Jupyter packages are missing from \(Self.python) (scripts/setup.sh installs them):\n\(check.text)")
            return check
        }
        return try run(URL(fileURLWithPath: Self.python), arguments, in: Self.scripts)
    }

    /// Runs a program with stdout and stderr merged, Jupyter's paths in the temporary directory.
    private func run(_ program: URL, _ arguments: [String], in workingDirectory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        var environment = ProcessInfo.processInfo.environment
        environment["JUPYTER_PATH"] = directory.appendingPathComponent("share/jupyter").path
        environment["JUPYTER_DATA_DIR"] = directory.appendingPathComponent("data").path
        environment["JUPYTER_RUNTIME_DIR"] = directory.appendingPathComponent("runtime").path
        environment["JUPYTER_PLATFORM_DIRS"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }
}
