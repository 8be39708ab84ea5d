/// Flattens each sample to a vector: [B, C, H, W] → [B, C·H·W]. A view: no data moves.
///
/// Forward, tangent and adjoint are all the same reshape.
public final class Flatten: Layer {
    public let inputShape: [Int]
    private var output = Reshape(), outputTangent = Reshape(), inputGradient = Reshape()

    public init(shape: [Int]) { inputShape = shape }

    public var description: String { "Flatten" }
    public var outputShape: [Int] { [inputShape.elementCount] }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor { output.view(x, as: outputShape) }
    public func tangent(_ dx: Tensor?, along _: [Tensor?]) -> Tensor? { dx.map { outputTangent.view($0, as: outputShape) } }
    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        needInputGradient ? inputGradient.view(dy, as: inputShape) : nil
    }

    /// The last view made, handed back while the viewed storage and batch stay the same (every step
    /// of an epoch), so that reshaping allocates nothing.
    private struct Reshape {
        private var last: Tensor?

        mutating func view(_ t: Tensor, as sampleShape: [Int]) -> Tensor {
            if let v = last, v.storage === t.storage, v.batch == t.batch { return v }
            let v = t.viewed(as: [t.batch] + sampleShape)
            last = v
            return v
        }
    }
}
