import Foundation
import XCTest
@testable import FDFAData

/// Data files that are not what they seem: a FIFO in a file's place, a file that shrinks while it
/// is read, a header that declares no samples. Each is an error, never a wait or a signal.
final class UnstableFileTests: XCTestCase {
    func testAFIFOInPlaceOfADataFileIsRefusedAtOnce() throws {
        let f = Fixtures()
        f.writeIDXSet()
        let images = f.root + "/MNIST/raw/train-images-idx3-ubyte"
        try FileManager.default.removeItem(atPath: images)
        XCTAssertEqual(mkfifo(images, 0o644), 0)
        // If the loader waited in open() for a writer, this one lets it go on after 3 s, and the
        // time taken tells.
        let writer = Thread {
            let deadline = Date().addingTimeInterval(3)
            while Date() < deadline {
                let fd = open(images, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd); return }
                usleep(10_000)
            }
        }
        writer.start()
        let start = Date()
        XCTAssertThrowsError(try DatasetLoader.load(.mnist, root: f.root)) { error in
            XCTAssertTrue("\(error)".contains("not a regular file") && "\(error)".contains(images), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "the FIFO was waited on")
    }

    func testAFileThatShrinksWhileReadIsAnError() throws {
        let f = Fixtures()
        let path = f.write("data.gz", Fixtures.gzip([UInt8](repeating: 3, count: 1 << 16)))
        let (fd, size) = try FileBytes.openRegularFile(path)
        defer { close(fd) }
        XCTAssertEqual(truncate(path, off_t(size / 2)), 0)
        var buffer = [UInt8](repeating: 0, count: size)
        XCTAssertThrowsError(try buffer.withUnsafeMutableBytes { try FileBytes.readAll(fd, into: $0, path: path) }) { error in
            XCTAssertEqual("\(error)", "cannot read \(path): file shrank while reading (\(size / 2) of \(size) bytes)")
        }
    }

    /// Loading while another thread truncates and restores the file: each load gives the data or an
    /// error (when data was read through a mapping, a lost page was a SIGBUS that ended the process).
    func testTruncatingAGzipFileWhileItLoadsNeverCrashes() throws {
        let f = Fixtures()
        var generator = SystemRandomNumberGenerator()
        let original = (0 ..< (1 << 20)).map { _ in UInt8.random(in: 0 ... 15, using: &generator) }
        let compressed = Fixtures.gzip(original)
        let path = f.write("big.gz", compressed)
        let stop = Atomic(false)
        let truncater = Thread {
            while !stop.value {
                truncate(path, off_t(compressed.count / 3))
                usleep(200)
                let fd = open(path, O_WRONLY)
                compressed.withUnsafeBytes { _ = pwrite(fd, $0.baseAddress!, $0.count, 0) }
                close(fd)
                usleep(200)
            }
        }
        truncater.start()
        var loaded = 0, refused = 0
        for _ in 0 ..< 20 {
            do {
                let bytes = try FileBytes.read(path)
                XCTAssertEqual(bytes, original)
                loaded += 1
            } catch let error as DataError {
                XCTAssertTrue("\(error)".contains(path), "\(error)")
                refused += 1
            }
        }
        stop.value = true
        XCTAssertEqual(loaded + refused, 20)
    }

    func testAnIDXFileDeclaringNoSamplesIsAnEmptySplitError() {
        let empty = "f: it holds no samples (an empty split)"
        XCTAssertThrowsError(try IDX.images(Fixtures.idxImages(count: 0) { _, _ in 0 }, file: "f")) { XCTAssertEqual("\($0)", empty) }
        XCTAssertThrowsError(try IDX.labels(Fixtures.idxLabels([]), file: "f", classCount: 10)) { XCTAssertEqual("\($0)", empty) }
    }
}

/// A flag shared between two threads.
private final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Bool
    init(_ value: Bool) { stored = value }
    var value: Bool {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
