import FDFAEngine

/// Draws a forward-gradient estimator S times at the network's current parameters and batch, and
/// measures its alignment and variance against the exact quantity (docs/reference.md#analysis).
///
/// The forward point is fixed, so the network runs forward once; each draw is one tangent pass with
/// fresh perturbations from a generator seeded with `seed`, passed to the tangent pass as arguments, so
/// no rule's state is touched; parameter `grad` buffers are overwritten by the truth's backward pass.
public enum EstimatorStudy {
    /// `cancellation` runs before each draw (and each of the Jacobian's backward passes); what it
    /// throws stops the study (the language's Ctrl-C).
    public static func run(
        _ network: Network, images: Tensor, labels: [Int32], estimator: Estimator, draws: Int, seed: UInt64,
        cancellation: () throws -> Void = {}
    ) throws -> [EstimatorStatistics] {
        precondition(draws > 0, "an estimator study needs at least one draw")
        precondition(estimator == .fgw || !network.taps.isEmpty, "\(estimator) perturbs taps; the network has none")
        let truth = Gradients.truth(network, images: images, labels: labels)
        let targets: [[Tensor]] = switch estimator {
        case .fgw: [truth.parameters]
        case .fga: truth.taps.map { [$0] }
        case .fdfa: try Jacobian.batchMean(network, images: images, cancellation: cancellation).map { [$0] }
        }
        // Every measurement pass above ended with a forward at the same point; the tangents below use it.
        var draw = Draw(network, estimator: estimator, batch: images.batch)
        var rng = Random(seed: seed)
        var cosines = Array(repeating: RunningMoments(), count: targets.count)
        var distances = Array(repeating: RunningMoments(), count: targets.count)
        let means = targets.map { $0.map { Tensor(zeros: $0.shape) } }
        for _ in 0 ..< draws {
            try cancellation()
            let estimates = draw.next(error: truth.error, rng: &rng)
            for (t, (estimate, target)) in zip(estimates, targets).enumerated() {
                let c = Comparison(estimate: estimate, truth: target)
                cosines[t].add(c.cosine)
                distances[t].add(c.squaredDistance)
                for (mean, e) in zip(means[t], estimate) { BLAS.axpy(1 / Float(draws), e.data, mean.data, count: e.count) }
            }
        }
        return targets.indices.map { t in
            EstimatorStatistics(
                target: estimator == .fgw ? "all" : String(t + 1), draws: draws,
                meanCosine: cosines[t].mean, stdCosine: cosines[t].standardDeviation,
                variance: distances[t].mean, averaged: Comparison(estimate: means[t], truth: targets[t]))
        }
    }
}

/// One estimator's buffers, reused draw after draw: the perturbations it passes to the tangent pass
/// (parameter directions for FG-W, tap perturbations otherwise) and its estimates, one tensor list per target.
private struct Draw {
    let network: Network
    let estimator: Estimator
    let perturbations: [Tensor]
    let seeds: TangentSeeds
    let estimates: [[Tensor]]

    init(_ network: Network, estimator: Estimator, batch: Int) {
        self.network = network
        self.estimator = estimator
        let parameters = network.parameters
        switch estimator {
        case .fgw:
            perturbations = parameters.map { Tensor(zeros: $0.value.shape) }
            estimates = [parameters.map { Tensor(zeros: $0.value.shape) }]
            seeds = TangentSeeds(network, parameters: perturbations)
        case .fga, .fdfa:
            perturbations = network.taps.map { Tensor(zeros: [batch] + $0.inputShape) }
            estimates = network.taps.map {
                [Tensor(zeros: estimator == .fga ? [batch] + $0.inputShape : [network.classes, $0.width])]
            }
            seeds = TangentSeeds(network)
            seeds.taps = perturbations
        }
    }

    /// Fresh perturbations, one tangent pass, and the estimates it gives.
    mutating func next(error e: Tensor, rng: inout Random) -> [[Tensor]] {
        for v in perturbations { rng.fillNormal(v) }
        let d = network.tangent(nil, seeds: seeds)!
        let batch = e.batch, k = e.valuesPerSample
        switch estimator {
        case .fgw:
            let directional = BLAS.dot(e.data, d.data, count: e.count)
            for (v, g) in zip(perturbations, estimates[0]) {
                for j in 0 ..< g.count { g.data[j] = directional * v.data[j] }
            }
        case .fga:
            for (u, target) in zip(perturbations, estimates) {
                let n = u.valuesPerSample, g = target[0]
                for i in 0 ..< batch {
                    let s = BLAS.dot(e.data + i * k, d.data + i * k, count: k)
                    let src = u.data + i * n, dst = g.data + i * n
                    for j in 0 ..< n { dst[j] = s * src[j] }
                }
            }
        case .fdfa:
            for (u, target) in zip(perturbations, estimates) {
                BLAS.gemm(d.data, transposeA: true, u.data, into: target[0].data,
                          m: k, n: u.valuesPerSample, k: batch, alpha: 1 / Float(batch))
            }
        }
        return estimates
    }
}
