import FDFAEngine
import XCTest
@testable import FDFAData

final class SyntheticTests: XCTestCase {
    func testDeterministicShapedAndLabelledByTheProjectionRule() throws {
        let spec = SyntheticSpec(seed: 4, sampleShape: [2, 3, 3], classCount: 5, trainCount: 300, testCount: 40)
        let a = try spec.make(), b = try spec.make()
        let x = a.train.samples(Array(0 ..< 300)).array
        XCTAssertEqual(x, b.train.samples(Array(0 ..< 300)).array)
        XCTAssertEqual(a.test.labels, b.test.labels)
        XCTAssertEqual(a.sampleShape, [2, 3, 3])
        XCTAssertEqual([a.train.count, a.test.count, a.classCount], [300, 40, 5])
        XCTAssertTrue(x.allSatisfy { $0 >= -1 && $0 < 1 })
        XCTAssertEqual(Set(a.train.labels).count, 5, "every class occurs")
        let w = spec.projection().array
        for i in 0 ..< 300 {
            let scores = (0 ..< 5).map { k in (0 ..< 18).reduce(Float(0)) { $0 + w[k * 18 + $1] * x[i * 18 + $1] } }
            XCTAssertEqual(Int(a.train.labels[i]), scores.indices.max { scores[$0] < scores[$1] }!)
        }
        XCTAssertNotEqual(try SyntheticSpec(seed: 5, sampleShape: [2, 3, 3], classCount: 5).make().train.labels, a.train.labels)
    }

    /// A split larger than one chunk (drawn and scored chunk by chunk, looking at Ctrl-C between
    /// them) holds what one draw from the generator gives, labelled by the rule across the seam.
    func testChunksDrawWhatOneDrawWould() throws {
        let features = 1000, count = SyntheticSpec.chunkFloats / features + 100
        let spec = SyntheticSpec(seed: 7, sampleShape: [features], classCount: 3, trainCount: count, testCount: 0)
        var random = Random(seed: 7)
        let w = Tensor(zeros: [3, features]), x = Tensor(zeros: [count, features])
        random.fillNormal(w)
        random.fillUniform(x, low: -1, high: 1)
        let train = try spec.make().train
        XCTAssertEqual(train.samples(Array(0 ..< count)).array, x.array)
        let seam = SyntheticSpec.chunkFloats / features
        for i in seam - 5 ..< seam + 5 {
            let scores = (0 ..< 3).map { k in (0 ..< features).reduce(Float(0)) { $0 + w.data[k * features + $1] * x.data[i * features + $1] } }
            XCTAssertEqual(Int(train.labels[i]), scores.indices.max { scores[$0] < scores[$1] }!, "sample \(i)")
        }
    }

    func testSelectableByNameAndCached() throws {
        XCTAssertEqual(try DatasetName(parsing: "Synthetic"), .synthetic)
        XCTAssertEqual(try DatasetName(parsing: "fashion-mnist"), .fashionMNIST)
        XCTAssertEqual(try DatasetName(parsing: "cifar_100"), .cifar100)
        XCTAssertThrowsError(try DatasetName(parsing: "imagenet"))
        let cache = DatasetCache()
        let spec = SyntheticSpec(trainCount: 20, testCount: 5)
        let a = try cache.dataset(.synthetic, synthetic: spec), b = try cache.dataset(.synthetic, synthetic: spec)
        XCTAssertTrue(Fixtures.sameStorage(a.train, b.train))
        XCTAssertEqual(a.sampleShape, [1, 28, 28])
    }
}
