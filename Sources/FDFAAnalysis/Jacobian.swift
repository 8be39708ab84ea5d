import FDFAEngine

/// J_l: the batch-mean Jacobian of the logits with respect to a tap's h_l (docs/reference.md#analysis), the matrix
/// FDFA's B_l estimates.
///
/// Definition: J_l = (1/B) Σ_i ∂y_i/∂h_l,i, classes × n_l: the mean of the per-sample *diagonal*
/// blocks. That is exactly E[(1/B) Σ_i d_i u_l,iᵀ] for FDFA's perturbations u ~ N(0, I), even when
/// BatchNorm makes y_i depend on h_l,j for j ≠ i (those cross blocks average out against the
/// independent u_j). Row k of a diagonal block is sample i's gradient at the tap when the error is 1
/// on (i, k) and 0 elsewhere, so the exact J_l takes one backward pass per (sample, class).
///
/// The cheap form puts error 1/B on class k of *every* sample at once: K passes, and row k of J_l is
/// the tap gradient summed over the batch. That adds the cross blocks ∂y_j/∂h_l,i, which vanish
/// unless a layer above the tap couples samples (BatchNorm in training mode); then the K passes are
/// exact. `exactMethod(for:)` picks the cheap form whenever it is exact.
public enum Jacobian {
    public enum Method: Equatable {
        /// One backward pass per (sample, class): exact always, B·K passes.
        case perSample
        /// One backward pass per class: K passes, exact when no BatchNorm lies above a tap.
        case perClass
    }

    /// The cheapest method that is exact for every tap of `network`.
    public static func exactMethod(for network: Network) -> Method {
        guard let first = network.layers.firstIndex(where: { $0 is Tap }) else { return .perClass }
        return network.layers[first...].contains { $0 is BatchNorm } ? .perSample : .perClass
    }

    /// J_l for every tap, in tap order, at the parameters' current values (one forward pass with
    /// statistics left alone, then the backward passes; parameter `grad` buffers are overwritten).
    /// `cancellation` runs before each backward pass; what it throws stops the measurement (the
    /// language's Ctrl-C).
    public static func batchMean(_ network: Network, images: Tensor, method: Method? = nil,
                                 cancellation: () throws -> Void = {}) throws -> [Tensor] {
        let batch = images.batch, k = network.classes
        let jacobians = network.taps.map { Tensor(zeros: [k, $0.width]) }
        _ = network.forward(images, mode: .training(updateStatistics: false))
        let groups: [[Int]] = (method ?? exactMethod(for: network)) == .perClass
            ? [Array(0 ..< batch)] : (0 ..< batch).map { [$0] }
        let error = Tensor(zeros: [batch, k])
        let scale = 1 / Float(batch)
        for samples in groups {
            for c in 0 ..< k {
                try cancellation()
                for i in samples { error.data[i * k + c] = scale }
                network.backpropagate(error) { tap, g in
                    let n = tap.width
                    let row = jacobians[tap.index - 1].data + c * n
                    for i in samples {
                        let src = g.data + i * n
                        for m in 0 ..< n { row[m] += src[m] }
                    }
                }
                for i in samples { error.data[i * k + c] = 0 }
            }
        }
        return jacobians
    }

    /// J_l for one tap (all taps cost the same backward passes; this keeps one).
    public static func batchMean(_ network: Network, images: Tensor, tap: Tap, method: Method? = nil,
                                 cancellation: () throws -> Void = {}) throws -> Tensor {
        try batchMean(network, images: images, method: method, cancellation: cancellation)[tap.index - 1]
    }
}
