/// The rectifier, y = max(x, 0), applied elementwise.
///
/// Forward:  y  = max(x, 0)
/// Tangent:  dy = dx ⊙ [x > 0]
/// Adjoint:  dx = dy ⊙ [x > 0]
/// (The derivative at exactly 0 is taken as 0, as PyTorch does.)
///
/// Above a BatchNorm, `Network` runs the two as one (`BatchNormReLU`): the BatchNorm's passes write
/// this layer's output and apply its mask (`Mask`), with the same numbers as the two layers apart.
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
        let mask = self.mask, src = v.data, dst = out.data
        parallelFor(v.count, minimumPerThread: elementwiseGrain) { range in
            for i in range { dst[i] = mask(src[i], at: i) }
        }
        return out
    }

    /// The Jacobian's diagonal [y > 0] of the last forward, as a gate.
    var mask: Mask { Mask(y!.data) }

    /// The buffer this layer's forward returns, taken by a BatchNorm below that writes it itself
    /// (`BatchNormReLU`); it becomes the last forward's output, the mask.
    func outputBuffer(_ shape: [Int]) -> Tensor {
        let out = output.tensor(shape)
        y = out
        return out
    }

    /// The buffer this layer's tangent returns, for a BatchNorm below that writes it itself.
    func tangentBuffer() -> Tensor { outputTangent.tensor(y!.shape) }

    /// v[i] ⊙ [y[i] > 0]: 0 where the rectifier's output is not positive (NaN included).
    struct Mask: ElementGate {
        let y: UnsafePointer<Float>
        init(_ y: UnsafePointer<Float>) { self.y = y }
        // Both loads unconditional, so the choice is a select and a loop over it vectorises.
        @inline(__always) func callAsFunction(_ value: Float, at i: Int) -> Float { y[i] > 0 ? value : 0 }
        @inline(__always) func advanced(by offset: Int) -> Mask { Mask(y + offset) }
        var mask: UnsafePointer<Float>? { y }
    }

    /// Every value as it is: where no ReLU is fused.
    struct Open: ElementGate {
        @inline(__always) func callAsFunction(_ value: Float, at _: Int) -> Float { value }
        @inline(__always) func advanced(by _: Int) -> Open { self }
        var mask: UnsafePointer<Float>? { nil }
    }
}

/// How a loop reads or writes element `i`: as it is (`ReLU.Open`) or through a ReLU's mask
/// (`ReLU.Mask`). Loops generic over it are specialised for each, so the open form costs nothing.
protocol ElementGate {
    func callAsFunction(_ value: Float, at i: Int) -> Float
    /// The gate with element i + `offset` at i: for loops along a row, whose index then needs no
    /// (overflow-checked) addition, which would keep them from vectorising.
    func advanced(by offset: Int) -> Self
    /// The mask's values (y, masked where not > 0) for C kernels that apply it; nil when open.
    var mask: UnsafePointer<Float>? { get }
}
