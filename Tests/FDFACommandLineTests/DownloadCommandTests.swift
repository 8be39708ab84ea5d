import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// `fdfa download` as a user runs it.
final class DownloadCommandTests: XCTestCase {
    /// Ctrl-C while a server keeps the download waiting: exit 130 with a word saying so, at once,
    /// and no file (nor a temporary) in the data directory.
    func testCtrlCDuringADownloadStopsWithNothingWritten() throws {
        // A server that takes connections (the kernel's backlog) and never answers.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        XCTAssertTrue(bound && listen(listener, 8) == 0)
        let port = UInt16(bigEndian: address.sin_port)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("fdfa-download-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }

        let process = Process()
        process.executableURL = FDFAProcess.binary
        process.arguments = ["download", "MNIST", "--data-dir", data.path, "--mirror", "http://127.0.0.1:\(port)/", "--timeout", "60"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("fetching") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        usleep(200_000) // the request is on its way
        let interrupted = Date()
        process.interrupt()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 5)
        XCTAssertEqual(process.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("Download interrupted"), message)
        let left = FileManager.default.enumerator(atPath: data.path)?.allObjects.compactMap { $0 as? String }
            .filter { !$0.hasSuffix("raw") && $0 != "MNIST" } ?? []
        XCTAssertEqual(left, [], "nothing written")
    }
}
