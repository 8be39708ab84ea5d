/// Weight-perturbed forward gradient (Baydin et al. 2022): one direction v ~ N(0, I) over all
/// parameters jointly, carried forward in the tangent pass; every parameter's gradient is (∇L · v) v,
/// where ∇L · v = Σ_i e_i · d_i is the loss's directional derivative. No backward pass.
public final class FGW: LearningRule {
    private let network: Network
    /// v, one tensor per parameter, in `Network.parameters` order.
    private let directions: [Tensor]
    private let parameters: [Parameter]
    public let seeds: TangentSeeds?

    public init(network: Network, hyperparameters: Hyperparameters, rng: inout Random) {
        self.network = network
        parameters = network.parameters
        directions = parameters.map { Tensor(zeros: $0.value.shape) }
        seeds = TangentSeeds(network, parameters: directions)
    }

    public func perturb(batch: Int, rng: inout Random) {
        for v in directions { rng.fillNormal(v) }
    }

    public func computeGradients(error e: Tensor, outputTangent d: Tensor?) -> Bool {
        let directional = BLAS.dot(e.data, d!.data, count: e.count)
        for (p, v) in zip(parameters, directions) {
            let v = v.data, g = p.grad.data
            for j in 0 ..< p.grad.count { g[j] = directional * v[j] }
        }
        return false
    }

    public var signals: [Tensor?] { Array(repeating: nil, count: network.taps.count) }
}
