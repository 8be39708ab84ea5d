import Foundation
import XCTest
@testable import FDFAData
import FDFAEngine

final class LoaderTests: XCTestCase {
    static let debian = "/usr/share/datasets/fashion-mnist"

    func testRealFashionMNISTFromDebianWhenRootIsEmpty() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Self.debian + "/train-labels-idx1-ubyte.gz"),
                          "Debian's dataset-fashion-mnist is not installed")
        let empty = Fixtures()
        let start = Date()
        let data = try DatasetLoader.load(.fashionMNIST, root: empty.root)
        print("Fashion-MNIST loaded in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        XCTAssertEqual([data.train.count, data.test.count], [60000, 10000])
        XCTAssertEqual(data.train.sampleShape, [1, 28, 28])
        XCTAssertEqual(data.train.labels[0], 9)
        XCTAssertEqual(data.classNames[Int(data.train.labels[0])], "Ankle boot")
        XCTAssertTrue(data.train.labels.allSatisfy { (0 ..< 10).contains($0) })
        XCTAssertEqual(Set(data.test.labels).count, 10)
        let pixels = data.test.samples(Array(0 ..< data.test.count)).array
        XCTAssertEqual(pixels.min(), -1)
        XCTAssertEqual(pixels.max(), 1)
    }

    func testNothingAnywhereGivesOneMessageNamingFilesPlacesAndTheCommand() {
        let empty = Fixtures()
        XCTAssertThrowsError(try DatasetLoader.load(.mnist, root: empty.root)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("train-images-idx3-ubyte[.gz]"), message)
            XCTAssertTrue(message.contains("t10k-labels-idx1-ubyte[.gz]"), message)
            XCTAssertTrue(message.contains(empty.root + "/MNIST/raw"), message)
            XCTAssertTrue(message.contains("fdfa download mnist"), message)
        }
        XCTAssertThrowsError(try DatasetLoader.load(.cifar10, root: empty.root)) { error in
            XCTAssertTrue("\(error)".contains("data_batch_5.bin"))
            XCTAssertTrue("\(error)".contains("fdfa download cifar10"))
        }
    }

    func testAPresentButBadFileUnderTheRootIsAnErrorNotAFallback() {
        let f = Fixtures()
        f.writeIDXSet(dir: "FashionMNIST/raw")
        f.write("FashionMNIST/raw/train-labels-idx1-ubyte", Fixtures.idxLabels([1, 2, 3])) // 5 images, 3 labels
        XCTAssertThrowsError(try DatasetLoader.load(.fashionMNIST, root: f.root)) { error in
            XCTAssertTrue("\(error)".contains("3 labels but"), "\(error)")
        }
        let partial = Fixtures()
        partial.write("FashionMNIST/raw/train-images-idx3-ubyte.gz", Fixtures.gzip(Fixtures.idxImages(count: 1) { _, _ in 0 }))
        XCTAssertThrowsError(try DatasetLoader.load(.fashionMNIST, root: partial.root)) { error in
            XCTAssertTrue("\(error)".contains("missing train-labels"), "\(error)")
            XCTAssertFalse("\(error)".contains(Self.debian))
        }
    }

    func testEachMalformedFileKindIsANamedError() {
        func failure(_ edit: (Fixtures) -> Void) -> String {
            let f = Fixtures()
            f.writeIDXSet()
            edit(f)
            do { _ = try DatasetLoader.load(.mnist, root: f.root); return "loaded" } catch { return "\(error)" }
        }
        let images = "MNIST/raw/train-images-idx3-ubyte"
        XCTAssertTrue(failure { $0.write(images, []) }.contains("empty file"))
        XCTAssertTrue(failure { $0.write(images, [0x1F, 0x8B, 8, 0, 1, 2, 3]) }.contains("gzip"))
        XCTAssertTrue(failure { $0.write(images, Array(Fixtures.gzip(Fixtures.idxImages(count: 5) { _, _ in 1 }).dropLast(9))) }.contains("gzip"))
        XCTAssertTrue(failure { $0.write(images, Fixtures.idxImages(count: 5, rows: 27) { _, _ in 1 }) }.contains("expected 28×28"))
        XCTAssertTrue(failure { $0.write("MNIST/raw/t10k-labels-idx1-ubyte", Fixtures.idxLabels([0, 1, 12])) }.contains("label 12 at index 2"))
        let directory = failure { f in
            try! FileManager.default.removeItem(atPath: f.root + "/" + images)
            try! FileManager.default.createDirectory(atPath: f.root + "/" + images, withIntermediateDirectories: true)
        }
        XCTAssertTrue(directory.contains("is a directory") && directory.contains(images), directory)
    }

    func testGzipBombIsRefusedNotExpanded() {
        let bomb = Fixtures.gzip([UInt8](repeating: 0, count: 3 << 20))
        XCTAssertThrowsError(try Gzip.decompress(bomb, file: "bomb.gz", limit: 1 << 20)) { error in
            XCTAssertTrue("\(error)".hasPrefix("bomb.gz: ") && "\(error)".contains("more than the 1 MiB a data set file may hold"), "\(error)")
        }
        XCTAssertEqual(try Gzip.decompress(bomb + Fixtures.gzip([7]), file: "two members", limit: 4 << 20).count, (3 << 20) + 1)
    }

    func testCIFARBothFormatsConcatenateBatchesAndCheckRecords() throws {
        let f = Fixtures()
        for b in 1 ... 5 {
            f.write("cifar-10-batches-bin/data_batch_\(b).bin",
                    Fixtures.cifarRecord(labels: [UInt8(b)]) { UInt8($0 % 256) } + Fixtures.cifarRecord(labels: [0]) { _ in 255 })
        }
        f.write("cifar-10-batches-bin/test_batch.bin", Fixtures.cifarRecord(labels: [9]) { $0 < 1024 ? 0 : 255 })
        let c10 = try DatasetLoader.load(.cifar10, root: f.root)
        XCTAssertEqual(c10.train.labels, [1, 0, 2, 0, 3, 0, 4, 0, 5, 0])
        XCTAssertEqual(c10.sampleShape, [3, 32, 32])
        XCTAssertEqual(c10.train.samples([0])[flat: 1024 + 3], Fixtures.normalised(UInt8((1024 + 3) % 256)))
        XCTAssertEqual(c10.test.samples([0])[flat: 1023], -1)
        XCTAssertEqual(c10.test.samples([0])[flat: 1024], 1)

        f.write("cifar-100-binary/train.bin", Fixtures.cifarRecord(labels: [3, 99]) { _ in 0 })
        f.write("cifar-100-binary/test.bin", Fixtures.cifarRecord(labels: [19, 42]) { _ in 0 })
        let c100 = try DatasetLoader.load(.cifar100, root: f.root)
        XCTAssertEqual(c100.train.labels + c100.test.labels, [99, 42])
        XCTAssertEqual(c100.classNames[99], "worm")

        f.write("cifar-100-binary/test.bin", Fixtures.cifarRecord(labels: [19, 100]) { _ in 0 })
        XCTAssertThrowsError(try DatasetLoader.load(.cifar100, root: f.root)) { XCTAssertTrue("\($0)".contains("label 100 in record 0")) }
        f.write("cifar-100-binary/test.bin", Fixtures.cifarRecord(labels: [19, 1]) { _ in 0 } + [1])
        XCTAssertThrowsError(try DatasetLoader.load(.cifar100, root: f.root)) { XCTAssertTrue("\($0)".contains("3075 bytes is not a whole number of 3074-byte records")) }
    }

    /// Ctrl-C stops a load before the next file or chunk: the error is `interrupted`, nothing
    /// half-read is cached, and the next load (after the flag is cleared) reads the files whole.
    func testCtrlCStopsALoadAndCachesNothing() throws {
        defer { Interrupt.clear() }
        let f = Fixtures()
        f.writeIDXSet(gzip: true)
        f.write("cifar-10-batches-bin/test_batch.bin", Fixtures.cifarRecord(labels: [3]) { _ in 7 })
        for i in 1 ... 5 { f.write("cifar-10-batches-bin/data_batch_\(i).bin", Fixtures.cifarRecord(labels: [1]) { _ in 9 }) }
        let cache = DatasetCache()
        for name in [DatasetName.mnist, .cifar10] {
            Interrupt.request()
            XCTAssertThrowsError(try cache.dataset(name, root: f.root)) { error in
                XCTAssertEqual(error as? DataError, .interrupted, "\(name): \(error)")
            }
            Interrupt.clear()
            XCTAssertEqual(try cache.dataset(name, root: f.root).train.count, 5, "\(name)")
        }
    }

    func testSessionCacheLoadsOnce() throws {
        let f = Fixtures()
        f.writeIDXSet()
        let cache = DatasetCache()
        let a = try cache.dataset(.mnist, root: f.root)
        try FileManager.default.removeItem(atPath: f.root + "/MNIST")
        let b = try cache.dataset(.mnist, root: f.root + "/")
        XCTAssertTrue(Fixtures.sameStorage(a.train, b.train))
        cache.removeAll()
        XCTAssertThrowsError(try cache.dataset(.mnist, root: f.root))
    }
}
