import XCTest
@testable import FDFAEngine

/// The backward pass of the rules with signals, cut at the taps and run side by side when balanced.
final class BackwardSegmentsTests: XCTestCase {
    func testTheFullyConnectedNetworkIsCutAtItsTapsLargestFirst() throws {
        let net = try Network.fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 0)
        let cut = BackwardSegments(net)
        // flatten, linear, bn, relu, tap 1, linear, bn, relu, tap 2, linear
        XCTAssertEqual(cut.segments.map(\.layers), [5 ..< 8, 0 ..< 4, 9 ..< 10])
        XCTAssertEqual(cut.segments.map { $0.tap?.index }, [2, 1, nil])
        XCTAssertEqual(cut.segments.map(\.multiplyAdds), [800 * 800, 784 * 800, 800 * 10])
        XCTAssertEqual(cut.segments.map(\.gradients.count), [4, 4, 2])   // W, b, γ, β; the output layer's W, b
        XCTAssertTrue(cut.sideBySide(threads: 2))
        XCTAssertFalse(cut.sideBySide(threads: 1))
    }

    func testAnUnbalancedNetworkRunsItsSegmentsOneAfterTheOther() throws {
        // The second convolution is about 90 % of the shallow CNN's work.
        let cut = BackwardSegments(try Network.shallowCNN(input: [1, 28, 28], classes: 10, seed: 0))
        XCTAssertEqual(cut.segments.count, 4)
        XCTAssertEqual(cut.segments[0].layers, 4 ..< 7)
        XCTAssertFalse(cut.sideBySide(threads: 2))
    }

    /// Side by side or not, the segments compute what one backward pass computes: with the same
    /// B_l, DFA's gradients equal those of BP with the taps' gradients replaced by e·B_l by hand.
    func testSegmentsGiveTheGradientsOfAPlainBackwardPassWithSignals() throws {
        for threads in [2, 1] {
            let saved = Threads.count
            Threads.count = threads
            defer { Threads.count = saved }
            let net = try Network.fc(input: [30], hidden: [40, 40], classes: 5, seed: 3)
            XCTAssertEqual(BackwardSegments(net).sideBySide(threads: threads), threads > 1)
            var rng = Random(seed: 4)
            let x = LayerCheck.normal([8, 30], &rng)
            let labels: [Int32] = [0, 1, 2, 3, 4, 0, 1, 2]
            let trainer = try Trainer(network: net, rule: .dfa, seed: 5)
            try trainer.computeGradients(images: x, labels: labels, updateStatistics: false)
            let got = net.parameters.map(\.grad.array)

            // By hand: one backward pass, each layer in turn, the tap's gradient replaced by e·B_l.
            var loss = SoftmaxCrossEntropy()
            let e = loss.evaluate(logits: net.forward(x, mode: .training(updateStatistics: false)), labels: labels).error
            var g: Tensor? = e
            for layer in net.layers.reversed() {
                if let tap = layer as? Tap {
                    let delta = Tensor(zeros: [8, tap.width])
                    BLAS.gemm(e.data, trainer.learningRule.tapFeedback[tap.index - 1].data, into: delta.data, m: 8, n: tap.width, k: 5)
                    g = delta
                } else {
                    g = layer.adjoint(g!, needInputGradient: true)
                }
            }
            for (a, b) in zip(got, net.parameters.map(\.grad.array)) { XCTAssertEqual(a, b, "threads \(threads)") }
        }
    }

    /// A non-finite feedback matrix makes a hidden layer's gradient non-finite while the loss stays
    /// finite: the step is refused and nothing moves, whether the segments ran side by side or not.
    func testANonFiniteGradientInASegmentUpdatesNothing() throws {
        for (net, batch) in [(try Network.fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 0), 16),
                             (RuleTests.smallNet(), 4)] {
            var rng = Random(seed: 7)
            let x = LayerCheck.normal([batch] + net.inputShape, &rng)
            let labels = (0 ..< batch).map { Int32($0 % net.classes) }
            let trainer = try Trainer(network: net, rule: .dfa, seed: 1)
            let tap = net.taps.last!
            for j in 0 ..< tap.width { trainer.learningRule.tapFeedback[tap.index - 1].data[j] = .infinity }   // B's first row
            let before = net.parameters.map(\.value.array) + trainer.learningRule.tapFeedback.map(\.array)
            XCTAssertThrowsError(try trainer.step(images: x, labels: labels)) { error in
                XCTAssertTrue("\(error)".contains("non-finite gradient of layer"), "\(error)")
            }
            XCTAssertEqual(trainer.steps, 0)
            let after = net.parameters.map(\.value.array) + trainer.learningRule.tapFeedback.map(\.array)
            XCTAssertTrue(before == after, "a parameter or feedback matrix moved")
        }
    }
}
