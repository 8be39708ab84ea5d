import FDFAEngine
import XCTest
@testable import FDFAData

final class SyntheticTests: XCTestCase {
    func testDeterministicShapedAndLabelledByTheProjectionRule() throws {
        let spec = SyntheticSpec(seed: 4, sampleShape: [2, 3, 3], classCount: 5, trainCount: 300, testCount: 40)
        let a = spec.make(), b = spec.make()
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
        XCTAssertNotEqual(SyntheticSpec(seed: 5, sampleShape: [2, 3, 3], classCount: 5).make().train.labels, a.train.labels)
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
