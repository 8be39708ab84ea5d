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

/// Whether every element of `t` is finite: no exponent field is all ones (±∞ and NaN have it).
/// An integer OR over the bit patterns, so the loop vectorises (a float sum would not: its order
/// is fixed), and it reads each gradient once per step.
func isFinite(_ t: Tensor) -> Bool {
    let bits = UnsafeRawPointer(t.data).assumingMemoryBound(to: UInt32.self)
    var saturated: UInt32 = 0
    for i in 0 ..< t.count { saturated |= (bits[i] & 0x7F80_0000) == 0x7F80_0000 ? 1 : 0 }
    return saturated == 0
}
