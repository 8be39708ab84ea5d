import FDFAEngine
import XCTest
@testable import FDFAData

final class BatchLoaderTests: XCTestCase {
    /// A split whose sample i is filled with the value i, so a batch shows which samples it holds.
    private func numberedSplit(_ n: Int, shape: [Int] = [1, 2, 2]) -> Split {
        let per = shape.reduce(1, *)
        let images = Tensor(shape: [n] + shape, values: (0 ..< n * per).map { Float($0 / per) })
        return Split(images: images, labels: (0 ..< n).map { Int32($0 % 10) })
    }

    func testTestOrderKeepsPartialBatchAndRestartsNextEpoch() {
        let loader = BatchLoader(numberedSplit(10), batchSize: 4, shuffle: false)
        XCTAssertEqual(loader.batchCount, 3)
        for _ in 0 ..< 2 {
            var seen: [[Float]] = []
            while let batch = loader.next() {
                XCTAssertEqual(batch.images.shape, [batch.count, 1, 2, 2])
                seen.append(stride(from: 0, to: batch.images.count, by: 4).map { batch.images[flat: $0] })
                XCTAssertEqual(batch.labels, seen.last!.map { Int32(Int($0) % 10) })
            }
            XCTAssertEqual(seen, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        }
        XCTAssertEqual(loader.epoch, 2)
    }

    func testShuffleIsAPermutationPerEpochAndSeeded() {
        func epochs(seed: UInt64) -> [[Int]] {
            let loader = BatchLoader(numberedSplit(50), batchSize: 7, shuffle: true, seed: seed, flatten: true)
            return (0 ..< 3).map { _ in
                var ids: [Int] = []
                while let batch = loader.next() {
                    XCTAssertEqual(batch.images.shape, [batch.count, 4])
                    ids += stride(from: 0, to: batch.images.count, by: 4).map { Int(batch.images[flat: $0]) }
                }
                return ids
            }
        }
        let a = epochs(seed: 1)
        for ids in a { XCTAssertEqual(ids.sorted(), Array(0 ..< 50)) }
        XCTAssertNotEqual(a[0], a[1])
        XCTAssertNotEqual(a[0], Array(0 ..< 50))
        XCTAssertEqual(a, epochs(seed: 1))
        XCTAssertNotEqual(a, epochs(seed: 2))
    }

    func testSteadyStateReusesTheImageBuffer() {
        let loader = BatchLoader(numberedSplit(12), batchSize: 4, shuffle: true)
        let first = loader.next()!.images.storage
        var storages: [ObjectIdentifier] = []
        for _ in 0 ..< 5 { while let b = loader.next() { storages.append(ObjectIdentifier(b.images.storage)) } }
        XCTAssertEqual(Set(storages), [ObjectIdentifier(first)])
    }

    func testTransformedBatchesHaveTheTransformShape() {
        let split = numberedSplit(5, shape: [3, 8, 8])
        let train = BatchLoader(split, batchSize: 2, shuffle: true, transform: .randomResizedCropAndFlip(to: 16))
        let test = BatchLoader(split, batchSize: 2, shuffle: false, transform: .resize(to: 16))
        XCTAssertEqual(train.next()!.images.shape, [2, 3, 16, 16])
        let batch = test.next()!
        // Sample 1 is constant 1: any bilinear resize of it is exactly 1.
        XCTAssertEqual(Array(batch.images.array[(3 * 256)...]), [Float](repeating: 1, count: 3 * 256))
    }

    func testStoredPixelBytesGiveTheFloatsOfNormalisingUpFront() {
        var random = Random(seed: 3)
        let bytes = (0 ..< 4 * 3 * 8 * 8).map { _ in UInt8(random.nextInt(below: 256)) }
        let labels: [Int32] = [0, 1, 2, 3]
        let pixels = Split(pixels: bytes[...], sampleShape: [3, 8, 8], labels: labels)
        let floats = Split(images: Tensor(shape: [4, 3, 8, 8], values: bytes.map(Fixtures.normalised)), labels: labels)
        XCTAssertEqual(pixels.viewed(as: [192]).samples([2, 0]).array, floats.samples([2, 0]).array)
        for transform in [nil, ImageTransform.randomResizedCropAndFlip(to: 5)] {
            let a = BatchLoader(pixels, batchSize: 3, shuffle: true, seed: 2, transform: transform)
            let b = BatchLoader(floats, batchSize: 3, shuffle: true, seed: 2, transform: transform)
            while let batch = a.next() { XCTAssertEqual(batch.images.array, b.next()!.images.array) }
        }
    }
}
