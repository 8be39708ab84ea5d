import XCTest
@testable import FDFAEngine

/// `BatchNormReLU`, the pair `Network` runs as one, against its two layers run one after the other
/// (the reference): every map, bit for bit, and the state each layer keeps.
final class BatchNormReLUTests: XCTestCase {
    /// A BatchNorm with non-trivial γ, β and running statistics (the same for the same seed), and its ReLU.
    private func block(_ shape: [Int]) -> (BatchNorm, ReLU) {
        var rng = Random(seed: 3)
        let norm = try! BatchNorm(shape: shape)
        rng.fillUniform(norm.gamma.value, low: 0.5, high: 1.5)
        rng.fillUniform(norm.beta.value, low: -0.5, high: 0.5)
        rng.fillUniform(norm.runningMean, low: -0.5, high: 0.5)
        rng.fillUniform(norm.runningVariance, low: 0.5, high: 2)
        return (norm, ReLU(shape: shape))
    }

    /// The bits of every element (so that NaNs compare too); nil stays nil.
    private func bits(_ t: Tensor?) -> [UInt32]? { t?.array.map(\.bitPattern) }

    func testFusedMapsEqualTheLayersOneAfterTheOther() {
        let modes: [Mode] = [.training, .training(updateStatistics: false), .evaluation]
        for shape in [[6], [3, 4, 5]] {
            for mode in modes {
                let what = "\(shape) \(mode)"
                let (norm, relu) = block(shape), (fusedNorm, fusedReLU) = block(shape)
                let fused = BatchNormReLU(norm: fusedNorm, relu: fusedReLU)
                var rng = Random(seed: 9)
                let x = LayerCheck.normal([7] + shape, &rng), dx = LayerCheck.normal(x.shape, &rng)
                let dg = LayerCheck.normal([shape[0]], &rng), db = LayerCheck.normal([shape[0]], &rng)
                let dr = LayerCheck.normal(x.shape, &rng)

                let y = relu.forward(norm.forward(x, mode: mode), mode: mode)
                XCTAssertEqual(bits(fused.forward(x, mode: mode)), bits(y), what)
                XCTAssert(y.array.contains(0) && y.array.contains { $0 > 0 }, "\(what): the mask must both keep and drop")
                XCTAssertEqual(fusedNorm.runningMean.array, norm.runningMean.array, what)
                XCTAssertEqual(fusedNorm.runningVariance.array, norm.runningVariance.array, what)

                for (v, directions) in [(dx, []), (dx, [dg, db]), (nil, [dg, db]), (nil, [nil, db])] as [(Tensor?, [Tensor?])] {
                    let reference = relu.tangent(norm.tangent(v, along: directions))
                    XCTAssertNotNil(reference)
                    XCTAssertEqual(bits(fused.tangent(v, along: directions)), bits(reference), "\(what) tangent")
                }
                XCTAssertNil(fused.tangent(nil, along: []))

                for needInputGradient in [true, false] {
                    let reference = norm.adjoint(relu.adjoint(dr, needInputGradient: true)!, needInputGradient: needInputGradient)
                    let referenceGrads = norm.parameters.map { bits($0.grad) }
                    XCTAssertEqual(bits(fused.adjoint(dr, needInputGradient: needInputGradient)), bits(reference), "\(what) adjoint")
                    XCTAssertEqual(fusedNorm.parameters.map { bits($0.grad) }, referenceGrads, "\(what) parameter gradients")
                }
            }
        }
    }

    /// A NaN reaching the pair spreads as it does through the two layers (its channel's statistics).
    func testNonFiniteValuesPassAsThroughTheLayers() {
        for shape in [[6], [3, 4, 5]] {
            let (norm, relu) = block(shape), (fusedNorm, fusedReLU) = block(shape)
            let fused = BatchNormReLU(norm: fusedNorm, relu: fusedReLU)
            var rng = Random(seed: 11)
            let x = LayerCheck.normal([4] + shape, &rng), dr = LayerCheck.normal(x.shape, &rng)
            x.data[1] = .nan
            x.data[x.count - 1] = .infinity
            XCTAssertEqual(bits(fused.forward(x, mode: .training)), bits(relu.forward(norm.forward(x, mode: .training), mode: .training)))
            XCTAssertEqual(bits(fused.tangent(x, along: [])), bits(relu.tangent(norm.tangent(x))))
            XCTAssertEqual(bits(fused.adjoint(dr, needInputGradient: true)),
                           bits(norm.adjoint(relu.adjoint(dr, needInputGradient: true)!, needInputGradient: true)))
        }
    }

    /// A network's passes (which run each BatchNorm → ReLU pair as one) against its layers' maps
    /// called one by one: forward, tangent with parameter directions and tap perturbations, backward.
    func testNetworkPassesEqualTheLayersOneByOne() throws {
        for net in [try Network.fc(input: [1, 4, 4], hidden: [12, 10], classes: 5, seed: 21),
                    try Network.shallowCNN(input: [1, 12, 12], classes: 4, seed: 22)] {
            XCTAssertEqual(net.fusedPairs.compactMap { $0 }.count, net.taps.count, "every block's BatchNorm → ReLU is fused")
            var rng = Random(seed: 23)
            let x = LayerCheck.normal([5] + net.inputShape, &rng)
            let seeds = TangentSeeds(net, parameters: net.parameters.map { LayerCheck.normal($0.value.shape, &rng) })
            seeds.taps = net.taps.map { LayerCheck.normal([5] + $0.inputShape, &rng) }
            let e = LayerCheck.normal([5, net.classes], &rng)
            let mode = Mode.training(updateStatistics: false)

            let logits = bits(net.forward(x, mode: mode))
            let tangent = bits(net.tangent(nil, seeds: seeds))
            net.backpropagate(e)
            let grads = net.parameters.map { bits($0.grad) }

            var h = x
            for layer in net.layers { h = layer.forward(h, mode: mode) }
            XCTAssertEqual(bits(h), logits)
            var t: Tensor? = nil
            for (i, layer) in net.layers.enumerated() {
                if let tap = layer as? Tap { t = tap.tangent(t, adding: seeds.taps[tap.index - 1]) } else { t = layer.tangent(t, along: seeds.layers[i]) }
            }
            XCTAssertEqual(bits(t), tangent)
            var g: Tensor? = e
            for (i, layer) in net.layers.enumerated().reversed() {
                guard let dy = g else { break }
                g = layer.adjoint(dy, needInputGradient: net.needsGradient(below: i, tapsReplaceIt: false))
            }
            XCTAssertEqual(net.parameters.map { bits($0.grad) }, grads)
        }
    }
}
