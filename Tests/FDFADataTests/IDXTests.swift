import XCTest
@testable import FDFAData

final class IDXTests: XCTestCase {
    func testDecodesExactNormalisedValuesAndLabels() throws {
        let bytes = Fixtures.idxImages(count: 2, rows: 2, cols: 3) { s, p in [0, 255, 128, 1, 64, 200][p] &+ UInt8(s) }
        let images = try IDX.images(bytes, file: "x")
        XCTAssertEqual(images.shape, [2, 1, 2, 3])
        let values = Split(pixels: images.pixels, sampleShape: [1, 2, 3], labels: [0, 0]).samples([0, 1]).array
        XCTAssertEqual(values, [0, 255, 128, 1, 64, 200, 1, 0, 129, 2, 65, 201].map { Fixtures.normalised(UInt8($0)) })
        XCTAssertEqual(values[0], -1)
        XCTAssertEqual(values[1], 1)
        XCTAssertEqual(try IDX.labels(Fixtures.idxLabels([3, 0, 9]), file: "y", classCount: 10), [3, 0, 9])
    }

    func testGzipAndRawGiveTheSameDataset() throws {
        let raw = Fixtures(), gz = Fixtures()
        raw.writeIDXSet()
        gz.writeIDXSet(gzip: true)
        let a = try DatasetLoader.load(.mnist, root: raw.root), b = try DatasetLoader.load(.mnist, root: gz.root)
        XCTAssertEqual(a.train.samples(Array(0 ..< 5)).array, b.train.samples(Array(0 ..< 5)).array)
        XCTAssertEqual(a.test.labels, b.test.labels)
        XCTAssertEqual(a.train.count, 5)
        XCTAssertEqual(a.test.count, 3)
        XCTAssertEqual(a.sampleShape, [1, 28, 28])
        XCTAssertEqual(a.train.labels, [0, 1, 2, 3, 4])
        XCTAssertEqual(a.train.samples([2])[flat: 5], Fixtures.normalised(UInt8((2 * 7 + 5) % 256)))
    }

    func testRejectsEachKindOfBadHeader() {
        let good = Fixtures.idxImages(count: 2, rows: 2, cols: 2) { _, _ in 7 }
        func reason(_ bytes: [UInt8]) -> String {
            do { _ = try IDX.images(bytes, file: "f.idx"); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertTrue(reason(Array(good.dropLast())).contains("truncated"), reason(Array(good.dropLast())))
        XCTAssertTrue(reason(good + [0]).contains("trailing"))
        XCTAssertTrue(reason(Fixtures.idxLabels([1])).contains("wrong magic"))
        XCTAssertTrue(reason([0, 0, 8]).contains("too short"))
        XCTAssertTrue(reason(Array(good.prefix(10))).contains("truncated header"))
        var huge = good
        huge.replaceSubrange(4 ..< 16, with: Fixtures.be32(.max) + Fixtures.be32(.max) + Fixtures.be32(.max))
        XCTAssertTrue(reason(huge).contains("truncated"), reason(huge))
        XCTAssertTrue(reason(huge).hasPrefix("f.idx: "))
        XCTAssertThrowsError(try IDX.labels(Fixtures.idxLabels([1, 10]), file: "l", classCount: 10)) { error in
            XCTAssertEqual("\(error)", "l: label 10 at index 1 is outside 0..<10")
        }
    }
}
