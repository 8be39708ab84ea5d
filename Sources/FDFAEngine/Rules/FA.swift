/// Feedback alignment (Lillicrap et al. 2016): the backward pass of BP with every weight
/// transport replaced by a fixed random matrix. A Linear layer's input gradient is dx = dy B_i
/// instead of dx = dy W_i, with B_i (shaped like W_i: outputs × inputs, so Bᵀ stands where Wᵀ
/// stood) drawn once, uniform in ±1/sqrt(inputs) like W_i itself. Every layer's parameter
/// gradient is its true one for the error that reaches it; BatchNorm, ReLU and the others pass the
/// error down as in BP. With B_i = W_i it is BP.
///
/// Only Linear layers are handled; a convolution's weight transport would need a random kernel.
/// Its signals are the errors arriving at the taps, so the analysis compares them with BP's δ_l.
public final class FA: LearningRule {
    private let network: Network
    /// B_i for layer i (nil for layers other than Linear). Updated by nobody: FA never trains it.
    public let layerFeedback: [Tensor?]
    private var inputGradients: [Workspace]
    private var signalBuffers: [Workspace]
    public private(set) var signals: [Tensor?]

    public static func check(_ network: Network, hyperparameters: Hyperparameters) throws {
        if let i = network.layers.firstIndex(where: { $0 is Conv2d }) {
            throw RuleError("FA sends the error through a random matrix in place of each Linear's weights; "
                            + "layer \(i + 1), \(network.layers[i].description), is a convolution, which it does not handle")
        }
    }

    public init(network: Network, hyperparameters: Hyperparameters, rng: inout Random) {
        self.network = network
        layerFeedback = network.layers.map { layer in
            guard let linear = layer as? Linear else { return nil }
            let b = Tensor(zeros: linear.weight.value.shape), bound = 1 / Float(linear.inputs).squareRoot()
            rng.fillUniform(b, low: -bound, high: bound)
            return b
        }
        inputGradients = Array(repeating: Workspace(), count: network.layers.count)
        signalBuffers = Array(repeating: Workspace(), count: network.taps.count)
        signals = Array(repeating: nil, count: network.taps.count)
    }

    public func computeGradients(error e: Tensor, outputTangent d: Tensor?) -> Bool {
        var g: Tensor? = e
        for (i, layer) in network.layers.enumerated().reversed() {
            guard let dy = g else { break }
            let need = network.needsGradient(below: i, tapsReplaceIt: false)
            if let tap = layer as? Tap {
                let delta = signalBuffers[tap.index - 1].tensor(dy.shape)
                delta.assign(dy)
                signals[tap.index - 1] = delta
            }
            guard let linear = layer as? Linear, let b = layerFeedback[i] else {
                g = layer.adjoint(dy, needInputGradient: need)
                continue
            }
            _ = linear.adjoint(dy, needInputGradient: false)
            guard need else { g = nil; continue }
            let dx = inputGradients[i].tensor([dy.batch, linear.inputs])
            BLAS.gemm(dy.data, b.data, into: dx.data, m: dy.batch, n: linear.inputs, k: linear.outputs)
            g = dx
        }
        return false
    }

    public var stateTensors: [(name: String, tensor: Tensor)] {
        layerFeedback.enumerated().compactMap { i, b in b.map { ("layer\(i + 1).feedback", $0) } }
    }
}
