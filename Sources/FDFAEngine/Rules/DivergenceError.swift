import CKernels

/// A training step that produced a non-finite loss or gradient. The step's update was not applied:
/// the parameters and feedback matrices keep the values they had before it.
public struct DivergenceError: Error, CustomStringConvertible {
    /// 1-based number of the step that diverged.
    public let step: Int
    /// What went non-finite, e.g. "loss" or "gradient of layer 3, Linear(800 → 800), weight".
    public let quantity: String

    public var description: String {
        "training diverged at step \(step): non-finite \(quantity); the update was not applied, parameters keep their last finite values"
    }
}

/// Whether every element of `t` is finite (a C kernel: a vectorised OR over the exponent bits),
/// one chunk per thread for large tensors: every step checks every gradient.
func isFinite(_ t: Tensor) -> Bool {
    let n = t.count, data = t.data
    let parts = min(Threads.count, n / elementwiseGrain)
    if parts <= 1 { return fdfa_all_finite(data, n) != 0 }
    return withUnsafeTemporaryAllocation(of: Bool.self, capacity: parts) { finite in
        parallelParts(parts) { part, parts in
            let range = chunk(part, of: parts, count: n)
            finite[part] = fdfa_all_finite(data + range.lowerBound, range.count) != 0
        }
        return finite.allSatisfy { $0 }
    }
}
