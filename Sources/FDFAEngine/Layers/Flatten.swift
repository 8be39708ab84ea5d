/// Flattens each sample to a vector: [B, C, H, W] → [B, C·H·W]. A view: no data moves.
///
/// Forward, tangent and adjoint are all the same reshape.
public final class Flatten: Layer {
    public let inputShape: [Int]

    public init(shape: [Int]) { inputShape = shape }

    public var description: String { "Flatten" }
    public var outputShape: [Int] { [inputShape.reduce(1, *)] }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor { x.viewed(as: [x.batch] + outputShape) }
    public func tangent(_ dx: Tensor?) -> Tensor? { dx.map { $0.viewed(as: [$0.batch] + outputShape) } }
    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        needInputGradient ? dy.viewed(as: [dy.batch] + inputShape) : nil
    }
}
