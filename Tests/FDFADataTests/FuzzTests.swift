import FDFAEngine
import XCTest
@testable import FDFAData

/// Mutated files must give a thrown error or a valid data set: never a crash, hang or bad value.
final class FuzzTests: XCTestCase {
    private func checkValid(_ images: Tensor?, _ labels: [Int32]?, classCount: Int) {
        if let images { XCTAssertTrue(images.array.allSatisfy { $0 >= -1 && $0 <= 1 }) }
        if let labels { XCTAssertTrue(labels.allSatisfy { $0 >= 0 && Int($0) < classCount }) }
    }

    func testMutatedIDXAndGzipAndCIFARNeverCrash() {
        var random = Random(seed: 11)
        let idxImages = Fixtures.idxImages(count: 3, rows: 4, cols: 4) { s, p in UInt8((s * 31 + p * 7) % 256) }
        let idxLabels = Fixtures.idxLabels([1, 9, 0])
        let gzImages = Fixtures.gzip(idxImages)
        let cifar = Fixtures.cifarRecord(labels: [2, 5]) { UInt8($0 % 251) }
        var outcomes = [0, 0]
        for round in 0 ..< 3000 {
            let base = [idxImages, idxLabels, gzImages, cifar][round % 4]
            var bytes = base
            // Mostly header damage (where the parsing decisions are), some anywhere, some truncation or growth.
            for _ in 0 ... random.nextInt(below: 3) {
                switch random.nextInt(below: 4) {
                case 0: bytes[random.nextInt(below: min(16, bytes.count))] = UInt8(random.nextInt(below: 256))
                case 1: bytes[random.nextInt(below: bytes.count)] ^= UInt8(1 << random.nextInt(below: 8))
                case 2: bytes.removeLast(random.nextInt(below: bytes.count))
                default: bytes += (0 ..< random.nextInt(below: 8)).map { _ in UInt8(random.nextInt(below: 256)) }
                }
                if bytes.isEmpty { break }
            }
            do {
                switch round % 4 {
                case 0: checkValid(try IDX.images(bytes, file: "f"), nil, classCount: 10)
                case 1: checkValid(nil, try IDX.labels(bytes, file: "f", classCount: 10), classCount: 10)
                case 2:
                    let raw = try Gzip.decompress(bytes, file: "f", limit: 1 << 16)
                    checkValid(try IDX.images(raw, file: "f"), nil, classCount: 10)
                default:
                    let images = Tensor(zeros: [max(0, try CIFARFormat.cifar100.recordCount(bytes, file: "f")), 3, 32, 32])
                    var labels = [Int32](repeating: 0, count: images.batch)
                    try CIFARFormat.cifar100.decode(bytes, file: "f", into: images, labels: &labels, at: 0)
                    checkValid(images, labels, classCount: 100)
                }
                outcomes[0] += 1
            } catch let error as DataError {
                XCTAssertTrue("\(error)".hasPrefix("f: "), "\(error)")
                outcomes[1] += 1
            } catch {
                XCTFail("unexpected error type \(error)")
            }
        }
        XCTAssertGreaterThan(outcomes[0], 100, "some mutations stay valid (pixel bytes)")
        XCTAssertGreaterThan(outcomes[1], 1000, "most mutations are caught")
    }
}
