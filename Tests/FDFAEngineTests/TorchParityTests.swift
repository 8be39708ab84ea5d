import Foundation
import XCTest
@testable import FDFAEngine

/// Numeric parity with PyTorch on identical weights: the fixtures in `Fixtures/` were written by
/// `scripts/make-torch-fixtures.py` (PyTorch, float32) for small versions of the reference's networks;
/// here the engine is given the same parameters, inputs, feedback matrices and perturbations and
/// must produce the same numbers within float32 tolerance. The tests never need torch.
///
/// A quantity matches when max |engine − torch| ≤ rtol · max |torch| + atol, with rtol 1e-4 and
/// atol 1e-7 (measured: every quantity agrees to within 2.5e-5 of its scale, most within 2e-6).
/// The one exception is the gradient of a bias just before BatchNorm in training mode, which is zero
/// in exact arithmetic (BatchNorm removes any constant shift): both sides hold rounding noise of
/// order 1e-7, so those are checked to be zero within 1e-6 on both sides instead.
/// Set FDFA_PARITY_VERBOSE=1 to print the error of every comparison.
final class TorchParityTests: XCTestCase {
    // MARK: Fixtures

    /// The fixture tensors: one little-endian float32 file and a JSON index of offsets and shapes.
    struct Fixtures {
        let index: [String: (offset: Int, shape: [Int])]
        let values: [Float]

        static let shared: Fixtures = {
            let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
            let json = try! JSONSerialization.jsonObject(
                with: Data(contentsOf: dir.appendingPathComponent("torch-parity.json"))) as! [String: Any]
            var index: [String: (Int, [Int])] = [:]
            for (name, entry) in json["tensors"] as! [String: [String: Any]] {
                index[name] = ((entry["offset"] as! NSNumber).intValue, (entry["shape"] as! [NSNumber]).map(\.intValue))
            }
            let bytes = try! Data(contentsOf: dir.appendingPathComponent("torch-parity.bin"))
            let values = bytes.withUnsafeBytes { raw in
                (0 ..< bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            return Fixtures(index: index, values: values)
        }()

        func has(_ name: String) -> Bool { index[name] != nil }

        func array(_ name: String) -> [Float] {
            guard let (offset, shape) = index[name] else { fatalError("no fixture tensor \(name)") }
            return Array(values[offset ..< offset + shape.reduce(1, *)])
        }

        func tensor(_ name: String) -> Tensor {
            Tensor(shape: index[name]!.shape, values: array(name))
        }

        func scalar(_ name: String) -> Float { array(name)[0] }
        func labels(_ name: String) -> [Int32] { array(name).map { Int32($0) } }
    }

    var fixtures: Fixtures { .shared }

    // MARK: Networks

    /// The fixtures' networks, in the engine's spec language (see the script for the PyTorch side).
    static let specs: [String: (input: [Int], specs: [LayerSpec])] = [
        "fc": ([1, 3, 4], LayerSpec.fc(hidden: [16, 10], classes: 5)),
        "cnn": ([1, 14, 14], [
            .conv2d(outputs: 3, kernel: 5), .batchNorm, .relu, .tap,
            .conv2d(outputs: 4, kernel: 5), .batchNorm, .relu, .tap, .maxPool(kernel: 2, stride: 2),
            .flatten,
            .linear(outputs: 8), .batchNorm, .relu, .tap,
            .linear(outputs: 5),
        ]),
        "fgw": ([1, 3, 4], LayerSpec.fgw(hidden: [16], classes: 5)),
    ]

    /// The network `name` with PyTorch's initial parameters and running statistics copied in.
    func network(_ name: String) -> Network {
        let (input, specs) = Self.specs[name]!
        let net = try! Network(inputShape: input, specs: specs, seed: 1)
        let params = net.parameters
        XCTAssertFalse(fixtures.has("\(name).param.\(params.count)"), "PyTorch has more parameter tensors")
        for (i, p) in params.enumerated() {
            let t = fixtures.tensor("\(name).param.\(i)")
            precondition(t.shape == p.value.shape, "\(name) parameter \(i): torch \(t.shape), engine \(p.value.shape)")
            p.value.assign(t)
        }
        for (j, bn) in batchNorms(net).enumerated() {
            bn.runningMean.assign(fixtures.tensor("\(name).bn.\(j).mean"))
            bn.runningVariance.assign(fixtures.tensor("\(name).bn.\(j).var"))
        }
        for (l, tap) in net.taps.enumerated() {
            precondition([net.classes, tap.width] == fixtures.index["\(name).B.\(l + 1)"]!.shape)
        }
        return net
    }

    func batchNorms(_ net: Network) -> [BatchNorm] { net.layers.compactMap { $0 as? BatchNorm } }

    /// The absolute tolerance of each parameter's gradient, in `net.parameters` order: 1e-6 for a
    /// bias followed by BatchNorm (its gradient is zero up to rounding), else the default 1e-7.
    func gradientTolerances(_ net: Network) -> [Float] {
        net.layers.indices.flatMap { i in
            net.layers[i].parameters.map { p -> Float in
                p.name == "bias" && i + 1 < net.layers.count && net.layers[i + 1] is BatchNorm ? 1e-6 : 1e-7
            }
        }
    }

    /// Every parameter's gradient against the fixture `prefix`.i.
    func assertGradients(_ net: Network, _ prefix: String, _ what: String? = nil,
                         file: StaticString = #filePath, line: UInt = #line) {
        for (i, (p, atol)) in zip(net.parameters, gradientTolerances(net)).enumerated() {
            assertClose(p.grad.array, fixtures.array("\(prefix).\(i)"), "\(what ?? prefix).\(i)", atol: atol,
                        file: file, line: line)
        }
    }

    func setFeedback(_ trainer: Trainer, _ name: String) {
        for tap in trainer.network.taps {
            trainer.learningRule.tapFeedback[tap.index - 1].assign(fixtures.tensor("\(name).B.\(tap.index)"))
        }
    }

    // MARK: Comparison

    /// max |actual − expected| ≤ rtol · max |expected| + atol, reported with the measured error.
    func assertClose(_ actual: [Float], _ expected: [Float], _ what: String, rtol: Float = 1e-4, atol: Float = 1e-7,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard actual.count == expected.count else {
            return XCTFail("\(what): \(actual.count) values, PyTorch has \(expected.count)", file: file, line: line)
        }
        var worst: Float = 0, scale: Float = 0
        for (a, b) in zip(actual, expected) {
            worst = max(worst, abs(a - b))
            scale = max(scale, abs(b))
        }
        if !(worst <= rtol * scale + atol) {
            XCTFail("\(what): max |engine − torch| = \(worst) with max |torch| = \(scale) (allowed \(rtol * scale + atol))",
                    file: file, line: line)
        }
        if ProcessInfo.processInfo.environment["FDFA_PARITY_VERBOSE"] != nil {
            print("parity \(what): max abs error \(worst), relative to max \(scale == 0 ? 0 : worst / scale)")
        }
    }

    func assertClose(_ actual: Tensor, _ expected: String, _ what: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        assertClose(actual.array, fixtures.array(expected), what ?? expected, file: file, line: line)
    }

    // MARK: Backpropagation, the loss and one Adam step

    func checkBackpropagation(_ name: String) {
        let net = network(name)
        let x = fixtures.tensor("\(name).x"), labels = fixtures.labels("\(name).labels")
        let logits = net.forward(x, mode: .training(updateStatistics: false))
        assertClose(logits, "\(name).bp.logits")
        var loss = SoftmaxCrossEntropy()
        let result = loss.evaluate(logits: logits, labels: labels)
        assertClose([result.loss], [fixtures.scalar("\(name).bp.loss")], "\(name).bp.loss")
        assertClose(result.error, "\(name).bp.e")
        var seen = 0
        net.backpropagate(result.error) { tap, g in
            assertClose(g, "\(name).bp.delta.\(tap.index)")
            seen += 1
        }
        XCTAssertEqual(seen, net.taps.count)
        assertGradients(net, "\(name).bp.grad")
    }

    func testFullyConnectedBackpropagation() { checkBackpropagation("fc") }
    func testConvolutionalBackpropagation() { checkBackpropagation("cnn") }

    /// One BP step through the Trainer: Adam (lr 1e-3, L2 decay 1e-4), the running statistics moved
    /// once by the training pass, then the evaluation-mode logits with the new running statistics.
    func checkAdamStep(_ name: String) throws {
        let net = network(name)
        var h = Hyperparameters()
        h.learningRate = 1e-3
        h.weightDecay = 1e-4
        let trainer = try Trainer(network: net, rule: .bp, hyperparameters: h, seed: 1)
        let x = fixtures.tensor("\(name).x"), labels = fixtures.labels("\(name).labels")
        let result = try trainer.step(images: x, labels: labels)
        assertClose([result.loss], [fixtures.scalar("\(name).bp.loss")], "\(name).step loss")
        for (i, p) in net.parameters.enumerated() { assertClose(p.value, "\(name).step.param.\(i)") }
        for (j, bn) in batchNorms(net).enumerated() {
            assertClose(bn.runningMean, "\(name).step.bn.\(j).mean")
            assertClose(bn.runningVariance, "\(name).step.bn.\(j).var")
        }
        assertClose(net.forward(x, mode: .evaluation), "\(name).step.eval_logits")
    }

    func testFullyConnectedAdamStep() throws { try checkAdamStep("fc") }
    func testConvolutionalAdamStep() throws { try checkAdamStep("cnn") }

    // MARK: Feedback rules

    /// The first half of a `rule` step on fixture `name`'s network and batch, with PyTorch's B_l
    /// (and, when `perturbations` is set, PyTorch's u_l instead of the Trainer's own draws).
    func feedbackStep(_ name: String, _ rule: Rule, perturbations: Bool = false) throws -> (Network, Trainer) {
        let net = network(name)
        let trainer = try Trainer(network: net, rule: rule, seed: 1)
        setFeedback(trainer, name)
        if perturbations {
            trainer.drawsPerturbations = false
            for tap in net.taps { trainer.learningRule.seeds!.taps[tap.index - 1] = fixtures.tensor("\(name).u.\(tap.index)") }
        }
        try trainer.computeGradients(images: fixtures.tensor("\(name).x"), labels: fixtures.labels("\(name).labels"),
                                     updateStatistics: false)
        return (net, trainer)
    }

    /// DFA with PyTorch's B_l: the taps' signals e · B_l and every parameter gradient with
    /// backpropagation cut at the taps (the reference's DFA hook).
    func checkDFA(_ name: String) throws {
        let (net, trainer) = try feedbackStep(name, .dfa)
        for tap in net.taps { assertClose(trainer.signals[tap.index - 1]!, "\(name).dfa.delta.\(tap.index)") }
        assertGradients(net, "\(name).dfa.grad")
    }

    func testFullyConnectedDFA() throws { try checkDFA("fc") }
    func testConvolutionalDFA() throws { try checkDFA("cnn") }

    /// DKP with B_l set to PyTorch's: the same parameter gradients as DFA, and the feedback
    /// gradient eᵀ h_l.
    func checkDKP(_ name: String) throws {
        let (net, trainer) = try feedbackStep(name, .dkp)
        assertGradients(net, "\(name).dfa.grad", "\(name).dkp.grad")
        for (tap, g) in zip(net.taps, trainer.feedbackGradients) { assertClose(g, "\(name).dkp.bgrad.\(tap.index)") }
    }

    func testFullyConnectedDKP() throws { try checkDKP("fc") }
    func testConvolutionalDKP() throws { try checkDKP("cnn") }

    /// FDFA's step with PyTorch's B_l and u_l (the Trainer told not to draw its own): the logits'
    /// tangent d of the forward-mode pass (BatchNorm in training mode), the feedback gradient
    /// B_l − mean(d ⊗ u_l), the signals e·B_l and the parameter gradients (DFA's, with the same B_l).
    func checkFDFA(_ name: String) throws {
        let (net, trainer) = try feedbackStep(name, .fdfa, perturbations: true)
        assertClose(try XCTUnwrap(trainer.outputTangent), "\(name).fdfa.d")
        for tap in net.taps {
            assertClose(trainer.feedbackGradients[tap.index - 1], "\(name).fdfa.bgrad.\(tap.index)")
            assertClose(trainer.signals[tap.index - 1]!, "\(name).dfa.delta.\(tap.index)", "\(name).fdfa.delta.\(tap.index)")
        }
        assertGradients(net, "\(name).dfa.grad", "\(name).fdfa.grad")
    }

    func testFullyConnectedFDFA() throws { try checkFDFA("fc") }
    func testConvolutionalFDFA() throws { try checkFDFA("cnn") }

    // MARK: FG-W

    /// FG-W's directional derivative ∇L · v and the logits' tangent along PyTorch's v (over all
    /// parameters jointly), on FG-W's network (no BatchNorm, no taps).
    func testForwardGradientDirectionalDerivative() throws {
        let net = network("fgw")
        let x = fixtures.tensor("fgw.x"), labels = fixtures.labels("fgw.labels")
        let v = TangentSeeds(net, parameters: net.parameters.indices.map { fixtures.tensor("fgw.v.\($0)") })
        let logits = net.forward(x, mode: .training(updateStatistics: false))
        assertClose(logits, "fgw.logits")
        var loss = SoftmaxCrossEntropy()
        let result = loss.evaluate(logits: logits, labels: labels)
        assertClose([result.loss], [fixtures.scalar("fgw.loss")], "fgw.loss")
        let d = try XCTUnwrap(net.tangent(nil, seeds: v))
        assertClose(d, "fgw.d")
        let directional = (0 ..< d.count).reduce(Float(0)) { $0 + result.error.data[$1] * d.data[$1] }
        assertClose([directional], [fixtures.scalar("fgw.dir")], "fgw.dir")
    }
}
