import Foundation
import XCTest

/// `fdfa sweep --slurm` against a real Slurm: scripts/test-slurm starts a one-node cluster on localhost
/// (munged, slurmctld, slurmd), submits a small synthetic sweep with sbatch and reports it once squeue
/// is empty. scripts/setup.sh installs Slurm and munge with fdfa's other packages; the test is skipped
/// (with the reason) only where they are missing or the script finds it cannot run here (exit 77).
final class SlurmTests: CommandLineTestCase {
    func testAJobArrayOnARealOneNodeClusterFinishesEveryRun() throws {
        let installed = FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmd")
            && FileManager.default.isExecutableFile(atPath: "/usr/sbin/munged")
        try XCTSkipUnless(installed, "Slurm is not installed (scripts/setup.sh installs it)")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/test-slurm")
        process.arguments = [FDFAProcess.binary.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 77 { throw XCTSkip(stderr) }
        XCTAssertEqual(process.terminationStatus, 0, stdout + stderr)
        XCTAssertTrue(stdout.contains("4 of 4 runs finished"), stdout)
    }
}
