import FDFATestSupport
import Foundation
import XCTest

/// The REPL reading a pipe, as `... | fdfa` does.
final class PipedReplTests: XCTestCase {
    /// Ctrl-C while the REPL waits for piped input stops nothing that matters: the rest of the input
    /// still runs and the REPL leaves at its end (it used to spin at full CPU, never exiting).
    func testCtrlCWhileReadingAPipeThenEndOfInputLeaves() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FDFABinary.path())
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        var seen = ""
        input.fileHandleForWriting.write(Data("print(1)\n".utf8))
        while !seen.contains("1\n") { seen += String(decoding: reader.availableData, as: UTF8.self) }
        usleep(500_000) // let it go back to waiting for input
        process.interrupt() // SIGINT while the REPL blocks reading its input
        usleep(300_000)
        input.fileHandleForWriting.write(Data("print(2)\n".utf8))
        try input.fileHandleForWriting.close()

        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        let exited = !process.isRunning
        if !exited { process.terminate() }
        XCTAssertTrue(exited, "the REPL did not leave at the end of its input")
        seen += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(seen, "1\n2\n")
    }

    /// `exit` (or `quit()`) ends the session; what follows does not run.
    func testExitLeaves() throws {
        for word in ["exit", "quit()"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try FDFABinary.path())
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data("print(1)\n\(word)\nprint(2)\n".utf8))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(text, "1\n", word)
            XCTAssertEqual(process.terminationStatus, 0, word)
        }
    }
}
