import Foundation
import XCTest
@testable import FDFAData
import FDFAEngine

final class DownloaderTests: XCTestCase {
    /// The four MNIST files, gzip'd, as a plan with their real MD5s and the given mirrors.
    private func mnistFiles() -> [(String, [UInt8])] {
        let source = Fixtures()
        source.writeIDXSet(gzip: true)
        return ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
            .map { ($0, try! FileBytes.readRaw(source.root + "/MNIST/raw/" + $0)) }
    }

    private func plan(_ files: [(String, [UInt8])], mirrors: [String], directory: String = "MNIST/raw",
                      extracts: DatasetLayout? = nil) -> DownloadPlan {
        DownloadPlan(files: files.map { .init(name: $0.0, md5: MD5.hex($0.1)) }, mirrors: mirrors, directory: directory, extracts: extracts)
    }

    func testBadMirrorsFallThroughToAGoodOneThenFilesAreSkipped() throws {
        let files = mnistFiles()
        let bad = try TestHTTPServer(routes: [
            "/a/" + files[0].0: .status(404),
            "/a/" + files[1].0: .status(500),
            "/a/" + files[2].0: .truncated(files[2].1, sent: files[2].1.count / 2),
            "/a/" + files[3].0: .ok(Array(files[3].1.reversed())),
        ])
        let good = try TestHTTPServer(routes: Dictionary(uniqueKeysWithValues: files.map { ("/b/" + $0.0, .ok($0.1)) }))
        defer { bad.stop(); good.stop() }
        let target = Fixtures()
        var lines: [String] = []
        let downloader = Downloader(root: target.root, mirrors: nil, timeout: 5) { lines.append($0) }
        let mirrors = ["http://127.0.0.1:1/closed", bad.base("/a"), good.base("/b/")]
        let paths = try downloader.download(plan(files, mirrors: mirrors), name: "MNIST")
        XCTAssertEqual(paths.count, 4)
        let loaded = try DatasetLoader.load(.mnist, root: target.root)
        XCTAssertEqual([loaded.train.count, loaded.test.count], [5, 3])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: target.root + "/MNIST/raw").filter { $0.contains(".part") }
        XCTAssertEqual(leftovers, [])
        XCTAssertEqual(good.requests.count, 4)

        _ = try downloader.download(plan(files, mirrors: mirrors), name: "MNIST")
        XCTAssertEqual(good.requests.count, 4, "present and verified files are not fetched again")
        XCTAssertTrue(lines.contains { $0.contains("already present and verified") })
    }

    /// Ctrl-C while a server trickles a file stops the download at once: the file fetched before
    /// stays, the one in transfer is neither under its name nor left as a temporary.
    func testCtrlCDuringATransferStopsWithNothingHalfWritten() throws {
        let files = Array(mnistFiles().prefix(2))
        let server = try TestHTTPServer(routes: [
            "/" + files[0].0: .ok(files[0].1),
            "/" + files[1].0: .stalled(files[1].1, sent: 10, seconds: 30),
        ])
        defer { server.stop(); Interrupt.clear() }
        let target = Fixtures()
        var lines: [String] = []
        let downloader = Downloader(root: target.root, timeout: 20) { lines.append($0) }
        // Ctrl-C once the server has the second request (its transfer has begun).
        DispatchQueue.global().async {
            let giveUp = Date().addingTimeInterval(10)
            while server.requestCount < 2, Date() < giveUp { usleep(10_000) }
            usleep(200_000)
            Interrupt.request()
        }
        let start = Date()
        XCTAssertThrowsError(try downloader.download(plan(files, mirrors: [server.base()]), name: "MNIST")) { error in
            XCTAssertEqual(error as? DataError, .interrupted, "\(error)")
        }
        // Waiting for the server instead would take the 20 s timeout.
        XCTAssertLessThan(Date().timeIntervalSince(start), 8, "the transfer did not stop soon after Ctrl-C")
        Interrupt.clear()
        XCTAssertEqual(server.requests.count, 2, "the second file was being fetched: \(lines)")
        let directory = target.root + "/MNIST/raw"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [files[0].0])
        XCTAssertEqual(try FileBytes.readRaw(directory + "/" + files[0].0), files[0].1)
    }

    /// Ctrl-C before a file's turn: the downloader stops between files without asking any server.
    func testCtrlCBetweenFilesFetchesNothingMore() throws {
        let files = mnistFiles()
        let server = try TestHTTPServer(routes: Dictionary(uniqueKeysWithValues: files.map { ("/" + $0.0, .ok($0.1)) }))
        defer { server.stop(); Interrupt.clear() }
        Interrupt.request()
        XCTAssertThrowsError(try Downloader(root: Fixtures().root, timeout: 5)
            .download(plan(files, mirrors: [server.base()]), name: "MNIST")) { error in
            XCTAssertEqual(error as? DataError, .interrupted, "\(error)")
        }
        XCTAssertEqual(server.requests, [])
    }

    /// A server announcing a huge body, or sending more than the limit, is refused before the
    /// memory runs out; a body without a Content-Length within the limit is read whole.
    func testBodiesBeyondTheSizeLimitAreRefused() throws {
        let server = try TestHTTPServer(routes: [
            "/huge": .endless(announced: 1 << 40),
            "/unsized": .unsized([UInt8](repeating: 7, count: 5000)),
        ])
        defer { server.stop() }
        let fetcher = HTTPFetcher(idleTimeout: 5, totalTimeout: 20, sizeLimit: 4096)
        XCTAssertThrowsError(try fetcher.get(URL(string: server.base("/huge"))!)) { error in
            XCTAssertEqual("\(error)", "announces 1099511627776 bytes, more than the 4096 bytes any data set file has")
        }
        XCTAssertThrowsError(try fetcher.get(URL(string: server.base("/unsized"))!)) { error in
            XCTAssertTrue("\(error)".hasPrefix("sent more than the"), "\(error)")
        }
        XCTAssertEqual(try HTTPFetcher(idleTimeout: 5, totalTimeout: 20).get(URL(string: server.base("/unsized"))!).count, 5000)
    }

    func testEveryMirrorFailingListsEachAttempt() throws {
        let files = Array(mnistFiles().prefix(1))
        let wrong = try TestHTTPServer(routes: ["/" + files[0].0: .ok([1, 2, 3])])
        let missing = try TestHTTPServer(routes: [:])
        defer { wrong.stop(); missing.stop() }
        let target = Fixtures()
        XCTAssertThrowsError(try Downloader(root: target.root, timeout: 5)
            .download(plan(files, mirrors: [wrong.base(), missing.base(), "http://127.0.0.1:1"]), name: "MNIST")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("could not download train-images-idx3-ubyte.gz"), message)
            XCTAssertTrue(message.contains("checksum mismatch"), message)
            XCTAssertTrue(message.contains("HTTP 404"), message)
            XCTAssertTrue(message.contains("http://127.0.0.1:1/train-images-idx3-ubyte.gz: cannot connect (connection refused)"), message)
            XCTAssertFalse(message.contains("NSURLErrorDomain"), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.root + "/MNIST/raw/" + files[0].0))
    }

    func testCIFARArchiveIsVerifiedAndExtracted() throws {
        let record = Fixtures.cifarRecord(labels: [7]) { UInt8($0 % 256) }
        let members = (1 ... 5).map { ("cifar-10-batches-bin/data_batch_\($0).bin", record) } + [("cifar-10-batches-bin/test_batch.bin", record + record)]
        let archive = Fixtures.gzip(TarWriter.archive(members + [("cifar-10-batches-bin/readme.html", [1])]))
        let server = try TestHTTPServer(routes: ["/cifar-10-binary.tar.gz": .ok(archive)])
        defer { server.stop() }
        let target = Fixtures()
        let files = [("cifar-10-binary.tar.gz", archive)]
        let downloader = Downloader(root: target.root, mirrors: nil, timeout: 5)
        _ = try downloader.download(plan(files, mirrors: [server.base()], directory: ".", extracts: DatasetLayout.of(.cifar10)), name: "CIFAR10")
        let data = try DatasetLoader.load(.cifar10, root: target.root)
        XCTAssertEqual(data.train.labels, [7, 7, 7, 7, 7])
        XCTAssertEqual(data.test.count, 2)
        _ = try downloader.download(plan(files, mirrors: [server.base()], directory: ".", extracts: DatasetLayout.of(.cifar10)), name: "CIFAR10")
        XCTAssertEqual(server.requests.count, 1, "extracted files present: nothing fetched again")
    }

    func testMirrorsComeFromTheEnvironmentUnlessGiven() {
        setenv("FDFA_MIRRORS", "http://a.example/x, http://b.example", 1)
        defer { unsetenv("FDFA_MIRRORS") }
        XCTAssertEqual(Downloader().mirrors, ["http://a.example/x", "http://b.example"])
        XCTAssertEqual(Downloader(mirrors: ["http://c"]).mirrors, ["http://c"])
        XCTAssertEqual(DownloadPlan.of(.fashionMNIST)?.mirrors.count, 2)
        XCTAssertEqual(DownloadPlan.of(.cifar100)?.files.first?.md5, "03b5dce01913d631647c71ecec9e9cb8")
    }
}
