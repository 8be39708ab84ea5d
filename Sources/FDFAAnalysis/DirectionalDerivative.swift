import FDFAEngine

/// Forward-mode derivatives of the loss: what a forward-gradient rule sees of the gradient.
public enum DirectionalDerivative {
    /// ∇L · v computed forward, with no backward pass: one tangent pass with the parameters'
    /// directions `v` (one tensor per `Network.parameters`, nil for a zero part) and no tap
    /// perturbations; the logits' tangent d gives dL = Σ_i e_i · d_i. BatchNorm's statistics stay put.
    /// Agrees with `Gradients.truth(...).dot(v)` up to rounding: the JVP and the VJP are transposes.
    public static func loss(_ network: Network, images: Tensor, labels: [Int32], along direction: [Tensor?]) -> Double {
        precondition(direction.count == network.parameters.count, "a direction needs one tensor per parameter")
        let logits = network.forward(images, mode: .training(updateStatistics: false))
        var crossEntropy = SoftmaxCrossEntropy()
        let e = crossEntropy.evaluate(logits: logits, labels: labels).error
        guard let d = network.tangent(nil, seeds: TangentSeeds(network, parameters: direction)) else { return 0 }
        var sum: Double = 0
        for i in 0 ..< e.count { sum += Double(e.data[i]) * Double(d.data[i]) }
        return sum
    }
}
