import FDFAEngine
import XCTest
@testable import FDFAData

final class ImageTransformTests: XCTestCase {
    private func image(_ c: Int, _ h: Int, _ w: Int) -> [Float] { (0 ..< c * h * w).map { Float($0 % 97) / 97 - 0.5 } }

    func testFullCropAtSameSizeIsIdentityOrExactMirror() {
        let (c, h, w) = (3, 6, 6)
        let src = image(c, h, w)
        let t = ImageTransform.randomResizedCropAndFlip(to: 6, scale: 1 ... 1, ratio: 1 ... 1)
        var random = Random(seed: 3)
        var flips = Set<Bool>()
        for _ in 0 ..< 20 {
            let crop = t.crop(height: h, width: w, random: &random)
            XCTAssertEqual([crop.top, crop.left, crop.height, crop.width], [0, 0, 6, 6])
            flips.insert(crop.flip)
            var out = [Float](repeating: .nan, count: src.count)
            src.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    ImageTransform.resample(s.baseAddress!, channels: c, height: h, width: w, crop: crop, into: o.baseAddress!, size: 6)
                }
            }
            for ch in 0 ..< c { for y in 0 ..< h { for x in 0 ..< w {
                XCTAssertEqual(out[(ch * h + y) * w + x], src[(ch * h + y) * w + (crop.flip ? w - 1 - x : x)])
            } } }
        }
        XCTAssertEqual(flips, [true, false])
    }

    func testResizeOfConstantIsConstantAndUpsamplingInterpolates() {
        let src = [Float](repeating: 0.25, count: 2 * 32 * 32)
        var out = [Float](repeating: 0, count: 2 * 224 * 224)
        let crop = ImageTransform.resize(to: 224).crop(height: 32, width: 32, random: &Self.unused)
        ImageTransform.resample(src, channels: 2, height: 32, width: 32, crop: crop, into: &out, size: 224)
        XCTAssertTrue(out.allSatisfy { $0 == 0.25 })
        // A 1×2 ramp [0, 1] upsampled to 4 columns: PyTorch (align_corners=False) gives 0, .25, .75, 1.
        var ramp = [Float](repeating: 0, count: 16)
        ImageTransform.resample([0, 1, 0, 1], channels: 1, height: 2, width: 2,
                                crop: .init(top: 0, left: 0, height: 2, width: 2, flip: false), into: &ramp, size: 4)
        XCTAssertEqual(Array(ramp[0 ..< 4]), [0, 0.25, 0.75, 1])
    }

    nonisolated(unsafe) private static var unused = Random(seed: 0)

    func testCropsStayInsideTheImageWithinScaleAndAreSeeded() {
        let t = ImageTransform.randomResizedCropAndFlip(to: 224)
        var a = Random(seed: 9), b = Random(seed: 9)
        for _ in 0 ..< 500 {
            let crop = t.crop(height: 32, width: 32, random: &a)
            XCTAssertEqual(crop, t.crop(height: 32, width: 32, random: &b))
            XCTAssertTrue(crop.top >= 0 && crop.left >= 0 && crop.top + crop.height <= 32 && crop.left + crop.width <= 32)
            let area = Float(crop.height * crop.width) / 1024
            XCTAssertTrue(area >= 0.06 && area <= 1, "area \(area)")
        }
        // Impossible ratios force the centre-crop fallback, clamped to the ratio range.
        let wide = ImageTransform.randomResizedCropAndFlip(to: 8, scale: 2 ... 3, ratio: 2 ... 3)
        let crop = wide.crop(height: 32, width: 32, random: &a)
        XCTAssertEqual([crop.top, crop.left, crop.height, crop.width], [8, 0, 16, 32])
    }

    func testBatchTransformIsDeterministicUnderSeedWhateverTheThreadCount() {
        let images = Tensor(zeros: [6, 3, 32, 32])
        var r = Random(seed: 1)
        r.fillUniform(images, low: -1, high: 1)
        let split = Split(images: images, labels: [0, 1, 2, 3, 4, 5])
        func run(threads: Int) -> [Float] {
            let saved = Threads.count
            Threads.count = threads
            defer { Threads.count = saved }
            let loader = BatchLoader(split, batchSize: 6, shuffle: true, seed: 5, transform: .randomResizedCropAndFlip(to: 40))
            return loader.next()!.images.array
        }
        let one = run(threads: 1)
        XCTAssertEqual(one, run(threads: 2))
        XCTAssertTrue(one.allSatisfy { $0 >= -1 && $0 <= 1 })
    }
}
