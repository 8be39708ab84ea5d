import FDFAEngine

/// The truth every estimate is compared against (docs/reference.md#analysis): backpropagation's gradients on one
/// batch at the current parameters, BatchNorm in training mode.
public struct TrueGradients {
    /// Batch-mean cross-entropy.
    public let loss: Float
    /// e = dL/dlogits, batch × classes.
    public let error: Tensor
    /// dL/dθ, one list per layer of the network (empty for layers without parameters), in the order
    /// of `Layer.parameters`.
    public let layers: [[Tensor]]
    /// dL/dh_l at each tap, batch × (tap shape).
    public let taps: [Tensor]

    /// dL/dθ for every parameter, in the order of `Network.parameters`.
    public var parameters: [Tensor] { layers.flatMap { $0 } }

    /// ∇L · v for a direction `v` given in the order of `Network.parameters`.
    public func dot(_ direction: [Tensor]) -> Double {
        precondition(direction.count == parameters.count, "a direction needs one tensor per parameter")
        var sum: Double = 0
        for (g, v) in zip(parameters, direction) {
            precondition(g.count == v.count, "direction \(v.shape) for a parameter \(g.shape)")
            for i in 0 ..< g.count { sum += Double(g.data[i]) * Double(v.data[i]) }
        }
        return sum
    }
}

public enum Gradients {
    /// BP on `images`: one forward (statistics left alone) and one backward pass. The gradients are
    /// copies; the parameters' own `grad` buffers are overwritten along the way (harmless between
    /// training steps: the next step rewrites them before reading them).
    public static func truth(_ network: Network, images: Tensor, labels: [Int32]) -> TrueGradients {
        let logits = network.forward(images, mode: .training(updateStatistics: false))
        var crossEntropy = SoftmaxCrossEntropy()
        let result = crossEntropy.evaluate(logits: logits, labels: labels)
        var taps = [Tensor?](repeating: nil, count: network.taps.count)
        network.backpropagate(result.error) { tap, g in taps[tap.index - 1] = g.copy() }
        return TrueGradients(
            loss: result.loss,
            error: result.error.copy(),
            layers: network.layers.map { $0.parameters.map { $0.grad.copy() } },
            taps: taps.map { $0! })
    }
}
