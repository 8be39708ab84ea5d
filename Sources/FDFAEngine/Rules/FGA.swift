/// Activity-perturbed forward gradient: δ_l,i = (e_i · d_i) u_l,i per sample, where u_l is drawn at
/// tap l and d is the logits' tangent it causes (e_i · d_i: the loss's directional derivative).
public final class FGA: SignalRule, LearningRule {
    private var perturbations: TapPerturbations

    public static func check(_ network: Network, hyperparameters: Hyperparameters) throws {
        try requireTaps(network, .fga)
    }

    public init(network: Network, hyperparameters: Hyperparameters, rng: inout Random) {
        perturbations = TapPerturbations(network)
        super.init(network: network)
    }

    public var seeds: TangentSeeds? { perturbations.seeds }
    public func perturb(batch: Int, rng: inout Random) { perturbations.draw(batch: batch, rng: &rng) }
    public func checkPerturbations(batch: Int) throws { try perturbations.check(batch: batch) }

    override func fillSignal(_ delta: Tensor, at tap: Tap, error e: Tensor, outputTangent d: Tensor?) {
        let d = d!, u = perturbations(tap), k = e.valuesPerSample, n = tap.width
        for i in 0 ..< e.batch {
            let s = BLAS.dot(e.data + i * k, d.data + i * k, count: k)
            let src = u.data + i * n, dst = delta.data + i * n
            for j in 0 ..< n { dst[j] = s * src[j] }
        }
    }
}
