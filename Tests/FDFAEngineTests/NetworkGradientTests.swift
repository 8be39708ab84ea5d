import XCTest
@testable import FDFAEngine

/// Whole-network backpropagation against central finite differences of the batch loss, on the
/// presets at small sizes. BatchNorm runs in training mode without touching its running statistics,
/// so the loss is a fixed function of the parameters (and of the whole batch).
final class NetworkGradientTests: XCTestCase {
    private func checkGradients(_ net: Network, batch: Int, seed: UInt64, samplesPerTensor: Int = 8,
                                file: StaticString = #filePath, line: UInt = #line) {
        var rng = Random(seed: seed)
        // γ and β away from their initial 1 and 0, so that a misplaced γ or β cannot hide.
        for case let bn as BatchNorm in net.layers {
            rng.fillUniform(bn.gamma.value, low: 0.5, high: 1.5)
            rng.fillUniform(bn.beta.value, low: -0.5, high: 0.5)
        }
        let x = LayerCheck.normal([batch] + net.inputShape, &rng)
        let labels = (0 ..< batch).map { Int32($0 % net.classes) }
        var loss = SoftmaxCrossEntropy()
        let mode = Mode.training(updateStatistics: false)
        let result = loss.evaluate(logits: net.forward(x, mode: mode), labels: labels)
        net.backpropagate(result.error)

        func lossAt() -> Double { Double(loss.evaluate(logits: net.forward(x, mode: mode), labels: labels).loss) }
        /// Central difference of the loss along entry i of p with step eps.
        func difference(_ p: Parameter, _ i: Int, _ eps: Float) -> Float {
            let saved = p.value.data[i]
            p.value.data[i] = saved + eps
            let plus = lossAt()
            p.value.data[i] = saved - eps
            let minus = lossAt()
            p.value.data[i] = saved
            return Float((plus - minus) / Double(2 * eps))
        }
        // An entry agrees when |analytic − numeric| ≤ 2 % of its size + 5e-4 (the float32 noise of
        // the quotients). A unit of a ReLU or max-pool sitting within the step of its switch spoils a
        // quotient now and then (at both steps), so each tensor may have one disagreeing entry out of
        // its samples and the network 5 % of all; a wrong formula spoils most of a tensor's entries.
        var outliers: [String] = [], total = 0
        for (l, layer) in net.layers.enumerated() {
            for p in layer.parameters {
                var bad: [String] = []
                for _ in 0 ..< min(samplesPerTensor, p.value.count) {
                    let i = rng.nextInt(below: p.value.count), g = p.grad.data[i]
                    func agrees(_ n: Float) -> Bool { abs(g - n) <= 2e-2 * max(abs(g), abs(n)) + 5e-4 }
                    let coarse = difference(p, i, 1e-3)
                    let numeric = agrees(coarse) ? coarse : difference(p, i, 2.5e-4)
                    total += 1
                    if !agrees(numeric) { bad.append("[\(i)] \(g) vs \(coarse), \(numeric)") }
                }
                XCTAssertLessThanOrEqual(bad.count, 1, "layer \(l + 1) \(layer.description) \(p.name): \(bad)",
                                         file: file, line: line)
                outliers += bad.map { "layer \(l + 1) \(p.name) \($0)" }
            }
        }
        XCTAssertLessThanOrEqual(outliers.count * 20, total, "\(outliers)", file: file, line: line)
    }

    func testFullyConnectedBackpropagationMatchesFiniteDifferences() throws {
        let net = try Network.fc(input: [1, 4, 4], hidden: [12, 10], classes: 5, seed: 21)
        checkGradients(net, batch: 6, seed: 22)
    }

    /// A layer computes its input gradient only if something below uses it: never the first Linear
    /// over the images; under a rule with signals, never the layer just above a tap.
    func testInputGradientsAreComputedOnlyWhereUsed() throws {
        // flatten, linear, bn, relu, tap, linear, bn, relu, tap, linear
        let net = try Network.fc(input: [1, 4, 4], hidden: [12, 10], classes: 5, seed: 21)
        let backprop = net.layers.indices.map { net.needsGradient(below: $0, tapsReplaceIt: false) }
        let signals = net.layers.indices.map { net.needsGradient(below: $0, tapsReplaceIt: true) }
        XCTAssertEqual(backprop, [false, false, true, true, true, true, true, true, true, true])
        XCTAssertEqual(signals, [false, false, true, true, true, false, true, true, true, false])

        let x = Tensor(zeros: [3, 1, 4, 4]), e = Tensor(zeros: [3, 5])
        var rng = Random(seed: 1)
        rng.fillNormal(x)
        rng.fillNormal(e)
        _ = net.forward(x, mode: .training(updateStatistics: false))
        XCTAssertNil(net.backpropagate(e), "no dL/dx of the images unless asked")
        XCTAssertEqual(net.backpropagate(e, inputGradient: true)?.shape, [3, 1, 4, 4])
    }

    func testShallowCNNBackpropagationMatchesFiniteDifferences() throws {
        let net = try Network.shallowCNN(input: [2, 12, 12], classes: 4, seed: 31)
        checkGradients(net, batch: 3, seed: 32)
    }

    func testSmallAlexNetLikeStackBackpropagationMatchesFiniteDifferences() throws {
        let specs: [LayerSpec] = [
            .conv2d(outputs: 4, kernel: 3, stride: 2, padding: 1), .batchNorm, .relu, .maxPool(kernel: 3, stride: 2), .tap,
            .conv2d(outputs: 5, kernel: 3, padding: 1), .batchNorm, .relu, .tap,
            .adaptiveAvgPool(height: 2, width: 2), .flatten, .tap,
            .linear(outputs: 6), .batchNorm, .relu, .tap, .linear(outputs: 3),
        ]
        let net = try Network(inputShape: [3, 15, 15], specs: specs, seed: 41)
        checkGradients(net, batch: 4, seed: 42)
    }
}
