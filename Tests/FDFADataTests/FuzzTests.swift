import FDFAEngine
import XCTest
@testable import FDFAData

/// Mutated files must give a thrown error or a valid data set: never a crash, hang or bad value.
final class FuzzTests: XCTestCase {
    private func checkValid(_ images: Split?, _ labels: [Int32]?, classCount: Int) {
        if let images { XCTAssertTrue(images.samples(Array(0 ..< images.count)).array.allSatisfy { $0 >= -1 && $0 <= 1 }) }
        if let labels { XCTAssertTrue(labels.allSatisfy { $0 >= 0 && Int($0) < classCount }) }
    }

    /// Decoded IDX images as a split (with placeholder labels), to read them as floats.
    private func split(_ images: (pixels: ArraySlice<UInt8>, shape: [Int])) -> Split {
        Split(pixels: images.pixels, sampleShape: Array(images.shape.dropFirst()), labels: Array(repeating: 0, count: images.shape[0]))
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
                case 0: checkValid(try split(IDX.images(bytes, file: "f")), nil, classCount: 10)
                case 1: checkValid(nil, try IDX.labels(bytes, file: "f", classCount: 10), classCount: 10)
                case 2:
                    let raw = try Gzip.decompress(bytes, file: "f", limit: 1 << 16)
                    checkValid(try split(IDX.images(raw, file: "f")), nil, classCount: 10)
                default:
                    var pixels: [UInt8] = [], labels: [Int32] = []
                    try CIFARFormat.cifar100.decode(bytes, file: "f", appendingTo: &pixels, labels: &labels)
                    checkValid(Split(pixels: pixels[...], sampleShape: CIFARFormat.sampleShape, labels: labels), labels, classCount: 100)
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
