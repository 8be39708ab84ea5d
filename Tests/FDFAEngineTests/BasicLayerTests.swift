import XCTest
@testable import FDFAEngine

final class BasicLayerTests: XCTestCase {
    func testLinearChecks() {
        var rng = Random(seed: 3)
        LayerCheck.check(Linear(inputs: 7, outputs: 5, rng: &rng), batch: 4, mode: .training)
    }

    func testLinearWorkedByHand() {
        var rng = Random(seed: 0)
        let layer = Linear(inputs: 2, outputs: 2, rng: &rng)
        layer.weight.value.assign(Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
        layer.bias.value.assign(Tensor(shape: [2], values: [0.5, -1]))
        let y = layer.forward(Tensor(shape: [1, 2], values: [1, -1]), mode: .evaluation)
        XCTAssertEqual(y.array, [1 - 2 + 0.5, 3 - 4 - 1])
        _ = layer.adjoint(Tensor(shape: [1, 2], values: [1, 2]), needInputGradient: false)
        XCTAssertEqual(layer.weight.grad.array, [1, -1, 2, -2])
        XCTAssertEqual(layer.bias.grad.array, [1, 2])
    }

    func testLinearInitialisationBound() {
        var rng = Random(seed: 9)
        let layer = Linear(inputs: 400, outputs: 50, rng: &rng)
        let bound: Float = 1 / 20
        let w = layer.weight.value.array
        XCTAssertLessThanOrEqual(w.map(abs).max()!, bound)
        XCTAssertGreaterThan(w.map(abs).max()!, 0.95 * bound)
    }

    func testReLUChecks() {
        // Inputs at least 0.1 from the kink, so that finite differences never straddle it.
        var rng = Random(seed: 4)
        let x = LayerCheck.normal([2, 3, 4, 4], &rng)
        for i in 0 ..< x.count { x.data[i] += x.data[i] < 0 ? -0.1 : 0.1 }
        LayerCheck.check(ReLU(shape: [3, 4, 4]), batch: 2, mode: .training, input: x)
        let relu = ReLU(shape: [4])
        let y = relu.forward(Tensor(shape: [1, 4], values: [-1, 0, 2, -3]), mode: .training)
        XCTAssertEqual(y.array, [0, 0, 2, 0])
        XCTAssertEqual(relu.adjoint(Tensor(shape: [1, 4], values: [5, 6, 7, 8]), needInputGradient: true)!.array, [0, 0, 7, 0])
    }

    func testFlattenAndTapChecks() {
        LayerCheck.check(Flatten(shape: [2, 3, 3]), batch: 3, mode: .training)
        LayerCheck.check(Tap(shape: [6], index: 1), batch: 3, mode: .training)
    }

    func testTapAddsItsPerturbationToTheTangent() {
        var rng = Random(seed: 5)
        let tap = Tap(shape: [3], index: 1)
        _ = tap.forward(Tensor(zeros: [2, 3]), mode: .training)
        XCTAssertNil(tap.tangent(nil, adding: nil))
        let u = LayerCheck.normal([2, 3], &rng)
        XCTAssertEqual(tap.tangent(nil, adding: u)!.array, u.array)
        let dx = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(tap.tangent(dx, adding: u)!.array, zip(dx.array, u.array).map { $0 + $1 })
        XCTAssertEqual(tap.tangent(dx, adding: nil)!.array, dx.array)
    }

    /// With no input tangent, only γ's and β's tangents move the output: dy = dγ x̂ + dβ, with no
    /// batch-statistics term (whatever an earlier call left in the layer's scratch space).
    func testBatchNormTangentOfParametersAlone() throws {
        for shape in [[5], [3, 2, 2]] {
            var rng = Random(seed: 12)
            let bn = try BatchNorm(shape: shape)
            let x = LayerCheck.normal([4] + shape, &rng), dx = LayerCheck.normal([4] + shape, &rng)
            _ = bn.forward(x, mode: .training)
            _ = bn.tangent(dx) // leaves the scratch sums of dx behind
            let xhat = bn.forward(x, mode: .training(updateStatistics: false)).copy() // γ = 1, β = 0: y = x̂
            let dg = LayerCheck.normal([shape[0]], &rng), db = LayerCheck.normal([shape[0]], &rng)
            let dy = try XCTUnwrap(bn.tangent(nil, along: [dg, db]))
            let plane = shape.dropFirst().reduce(1, *)
            for i in 0 ..< dy.count {
                let c = (i / plane) % shape[0]
                XCTAssertEqual(dy.data[i], dg.data[c] * xhat.data[i] + db.data[c], accuracy: 1e-6)
            }
        }
    }

    func testCrossEntropyGradientAgainstFiniteDifferences() {
        var rng = Random(seed: 11)
        let logits = LayerCheck.normal([3, 4], &rng)
        let labels: [Int32] = [0, 3, 2]
        var loss = SoftmaxCrossEntropy()
        let result = loss.evaluate(logits: logits, labels: labels)
        let e = result.error.array
        let eps: Float = 1e-2
        for i in 0 ..< logits.count {
            let saved = logits.data[i]
            logits.data[i] = saved + eps
            let plus = loss.evaluate(logits: logits, labels: labels).loss
            logits.data[i] = saved - eps
            let minus = loss.evaluate(logits: logits, labels: labels).loss
            logits.data[i] = saved
            XCTAssertEqual((plus - minus) / (2 * eps), e[i], accuracy: 2e-4)
        }
    }

    func testCrossEntropyWorkedByHand() {
        var loss = SoftmaxCrossEntropy()
        // Two equal logits: p = 1/2 each, loss = log 2; e = (p − onehot) / B.
        let r = loss.evaluate(logits: Tensor(shape: [1, 2], values: [3, 3]), labels: [1])
        XCTAssertEqual(r.loss, logf(2), accuracy: 1e-6)
        XCTAssertEqual(r.error.array, [0.5, -0.5])
    }
}
