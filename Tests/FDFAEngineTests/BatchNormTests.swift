import XCTest
@testable import FDFAEngine

final class BatchNormTests: XCTestCase {
    /// Non-trivial γ, β and running statistics, so that every term of the maps is exercised.
    private func prepared(_ shape: [Int], seed: UInt64 = 3) -> BatchNorm {
        var rng = Random(seed: seed)
        let layer = try! BatchNorm(shape: shape)
        rng.fillUniform(layer.gamma.value, low: 0.5, high: 1.5)
        rng.fillUniform(layer.beta.value, low: -0.5, high: 0.5)
        rng.fillUniform(layer.runningMean, low: -0.5, high: 0.5)
        rng.fillUniform(layer.runningVariance, low: 0.5, high: 2)
        return layer
    }

    func testBatchNormChecks() {
        for shape in [[6], [3, 4, 5]] {
            let layer = prepared(shape)
            LayerCheck.check(layer, batch: 5, mode: .training)
            LayerCheck.check(layer, batch: 5, mode: .training(updateStatistics: false))
            LayerCheck.check(layer, batch: 5, mode: .evaluation)
        }
    }

    func testBatchOfTwoWorkedByHand() {
        let layer = try! BatchNorm(shape: [1])
        // μ = 2, biased variance 1, unbiased variance 2.
        let y = layer.forward(Tensor(shape: [2, 1], values: [1, 3]), mode: .training)
        let s = (1 + layer.epsilon).squareRoot()
        XCTAssertEqual(y.array[0], -1 / s, accuracy: 1e-6)
        XCTAssertEqual(y.array[1], 1 / s, accuracy: 1e-6)
        XCTAssertEqual(layer.runningMean.array[0], 0.2, accuracy: 1e-6)      // 0.9·0 + 0.1·2
        XCTAssertEqual(layer.runningVariance.array[0], 1.1, accuracy: 1e-6)  // 0.9·1 + 0.1·2
        // The adjoint of dy = (1, 0): dβ = 1, dγ = x̂₀ = −1/s, dx = γ/σ (dy − 1/2 − x̂·(−1/s)/2).
        let dx = layer.adjoint(Tensor(shape: [2, 1], values: [1, 0]), needInputGradient: true)!.array
        XCTAssertEqual(layer.beta.grad.array, [1])
        XCTAssertEqual(layer.gamma.grad.array[0], -1 / s, accuracy: 1e-6)
        let e = layer.epsilon
        XCTAssertEqual(dx[0], (1 - 0.5 - 0.5 / (1 + e)) / s, accuracy: 1e-6)
        XCTAssertEqual(dx[1], (0 - 0.5 + 0.5 / (1 + e)) / s, accuracy: 1e-6)
        // Evaluation uses the running statistics.
        let z = layer.forward(Tensor(shape: [1, 1], values: [1]), mode: .evaluation).array[0]
        XCTAssertEqual(z, (1 - 0.2) / (1.1 + e).squareRoot(), accuracy: 1e-6)
    }

    func testRunningStatisticsFollowPyTorchsRule() {
        var rng = Random(seed: 12)
        let layer = prepared([3, 2, 2])
        let before = (layer.runningMean.array, layer.runningVariance.array)
        let x = LayerCheck.normal([4, 3, 2, 2], &rng)
        for i in 0 ..< x.count { x.data[i] = x.data[i] * 2 + 1 }
        _ = layer.forward(x, mode: .training)
        for c in 0 ..< 3 {
            var values: [Double] = []
            for b in 0 ..< 4 { for j in 0 ..< 4 { values.append(Double(x[flat: (b * 3 + c) * 4 + j])) } }
            let mean = values.reduce(0, +) / 16
            let unbiased = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 15
            XCTAssertEqual(Double(layer.runningMean.array[c]), 0.9 * Double(before.0[c]) + 0.1 * mean, accuracy: 1e-5)
            XCTAssertEqual(Double(layer.runningVariance.array[c]), 0.9 * Double(before.1[c]) + 0.1 * unbiased, accuracy: 1e-5)
        }
    }

    func testMeasuringLeavesRunningStatisticsAlone() {
        var rng = Random(seed: 13)
        let layer = prepared([5])
        let before = (layer.runningMean.array, layer.runningVariance.array)
        _ = layer.forward(LayerCheck.normal([8, 5], &rng), mode: .training(updateStatistics: false))
        _ = layer.forward(LayerCheck.normal([8, 5], &rng), mode: .evaluation)
        XCTAssertEqual(layer.runningMean.array, before.0)
        XCTAssertEqual(layer.runningVariance.array, before.1)
    }

    func testTrainingOutputIsNormalisedPerChannel() {
        var rng = Random(seed: 14)
        let layer = try! BatchNorm(shape: [2, 3, 3])
        let x = LayerCheck.normal([4, 2, 3, 3], &rng)
        for i in 0 ..< x.count { x.data[i] = x.data[i] * 3 - 2 }
        let y = layer.forward(x, mode: .training).array
        for c in 0 ..< 2 {
            var values: [Double] = []
            for b in 0 ..< 4 { for j in 0 ..< 9 { values.append(Double(y[(b * 2 + c) * 9 + j])) } }
            let mean = values.reduce(0, +) / 36
            XCTAssertEqual(mean, 0, accuracy: 1e-6)
            XCTAssertEqual(values.map { $0 * $0 }.reduce(0, +) / 36, 1, accuracy: 1e-4)
        }
    }

    func testShapeErrors() {
        XCTAssertThrowsError(try BatchNorm(shape: [4, 4])) { error in
            XCTAssertEqual("\(error)", "expects features F or an image input C×H×W, got 4×4")
        }
    }
}
