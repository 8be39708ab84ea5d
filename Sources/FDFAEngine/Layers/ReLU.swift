/// The rectifier, y = max(x, 0), applied elementwise.
///
/// Forward:  y  = max(x, 0)
/// Tangent:  dy = dx ⊙ [x > 0]
/// Adjoint:  dx = dy ⊙ [x > 0]
/// (The derivative at exactly 0 is taken as 0, as PyTorch does.)
public final class ReLU: Layer {
    public let inputShape: [Int]
    private var output = Workspace()
    private var outputTangent = Workspace()
    private var inputGradient = Workspace()
    /// The last forward's output: y > 0 exactly where x > 0, so it doubles as the mask.
    private var y: Tensor?

    public init(shape: [Int]) { inputShape = shape }

    public var description: String { "ReLU" }
    public var outputShape: [Int] { inputShape }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        let out = output.tensor(x.shape)
        let src = x.data, dst = out.data
        parallelFor(x.count, minimumPerThread: elementwiseGrain) { range in
            for i in range { dst[i] = max(src[i], 0) }
        }
        y = out
        return out
    }

    public func tangent(_ dx: Tensor?, along _: [Tensor?]) -> Tensor? {
        guard let dx else { return nil }
        return masked(dx, into: &outputTangent)
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        needInputGradient ? masked(dy, into: &inputGradient) : nil
    }

    /// v ⊙ [y > 0]: the same diagonal Jacobian serves both directions.
    private func masked(_ v: Tensor, into buffer: inout Workspace) -> Tensor {
        let out = buffer.tensor(v.shape)
        let mask = y!.data, src = v.data, dst = out.data
        parallelFor(v.count, minimumPerThread: elementwiseGrain) { range in
            // Both loads unconditional, so the choice is a select and the loop vectorises.
            for i in range {
                let value = src[i], keep = mask[i] > 0
                dst[i] = keep ? value : 0
            }
        }
        return out
    }
}
