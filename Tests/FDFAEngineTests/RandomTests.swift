import XCTest
@testable import FDFAEngine

final class RandomTests: XCTestCase {
    func testSameSeedSameNumbersAndThreadCountDoesNotMatter() {
        var a = Random(seed: 42), b = Random(seed: 42)
        let x = Tensor(zeros: [10_001]), y = Tensor(zeros: [10_001])
        a.fillNormal(x)
        let saved = Threads.count
        Threads.count = 1
        b.fillNormal(y)
        Threads.count = saved
        XCTAssertEqual(x.array, y.array)
        XCTAssertEqual(a.counter, b.counter)
        var c = Random(seed: 43)
        c.fillNormal(y)
        XCTAssertNotEqual(x.array, y.array)
    }

    func testNormalMomentsAndUniformRange() {
        var r = Random(seed: 7)
        let n = 200_000
        let x = Tensor(zeros: [n])
        r.fillNormal(x)
        let v = x.array.map(Double.init)
        let mean = v.reduce(0, +) / Double(n)
        let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        // Standard error of the mean is 1/sqrt(n) ≈ 0.0022; of the variance ≈ sqrt(2/n) ≈ 0.0032.
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.015)
        r.fillUniform(x, low: -2, high: 3)
        XCTAssertGreaterThanOrEqual(x.array.min()!, -2)
        XCTAssertLessThan(x.array.max()!, 3)
        XCTAssertEqual(x.array.reduce(0, +) / Float(n), 0.5, accuracy: 0.02)
    }

    func testPermutationIsAPermutation() {
        var r = Random(seed: 1)
        let p = r.permutation(1000)
        XCTAssertEqual(p.sorted(), Array(0 ..< 1000))
        XCTAssertNotEqual(p, Array(0 ..< 1000))
    }
}
