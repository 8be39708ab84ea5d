/// Whether a forward pass trains (BatchNorm uses batch statistics) or evaluates (running statistics).
public enum Mode: Equatable {
    /// Batch statistics; `updateStatistics` also moves BatchNorm's running estimates (as PyTorch's
    /// train mode does). Analysis passes use `updateStatistics: false` so that measuring changes nothing.
    case training(updateStatistics: Bool)
    /// Running statistics, as PyTorch's eval mode.
    case evaluation

    public static let training = Mode.training(updateStatistics: true)

    public var isTraining: Bool { self != .evaluation }
}

/// A trainable tensor with its gradient.
public final class Parameter {
    /// Short role name within its layer: "weight", "bias", "gamma" or "beta".
    public let name: String
    public let value: Tensor
    /// dL/d(value), written (not accumulated) by the owning layer's `adjoint`.
    public let grad: Tensor

    public init(_ name: String, _ value: Tensor) {
        self.name = name
        self.value = value
        self.grad = Tensor(zeros: value.shape)
    }
}

/// A shape that does not fit a layer, with the reason, e.g. "expects 784 features, got 3072".
public struct ShapeError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One layer of a network: its forward map, its tangent map (JVP) and its adjoint (VJP), side by side.
///
/// The contract, for a batch x (first dimension = batch):
/// - `forward(x, mode:)` computes y = f(x) and keeps what the other two maps need (the input, masks,
///   batch statistics). The returned tensor is the layer's own buffer, valid until its next forward.
/// - `tangent(dx, along: v)` is the JVP at the last forward's point: dy = ∂f/∂x · dx + Σ ∂f/∂θ_k · v_k,
///   where v holds a direction per parameter in `parameters` order (FG-W's perturbation, `jvp` over
///   parameters; an empty list or a nil entry is zero). The directions are arguments, so a layer
///   keeps no rule's state. `dx == nil` means a zero input tangent; it returns `nil` when dy is
///   exactly zero (no input tangent and no direction), which lets FDFA skip every layer below its
///   first tap.
/// - `adjoint(dy, needInputGradient:)` is the VJP at the same point: it writes every parameter's
///   `grad` = (∂f/∂θ)ᵀ dy and returns dx = (∂f/∂x)ᵀ dy, or `nil` when `needInputGradient` is false
///   (the first layer, or a layer whose input gradient a feedback tap will replace anyway).
///
/// Layers are built from a `LayerSpec` once the input shape is known (see `Network`), so a layer
/// always knows its per-sample input and output shapes.
public protocol Layer: AnyObject {
    /// Human-readable description with sizes, e.g. "Linear(784 → 800)".
    var description: String { get }
    /// Per-sample input shape (without the batch dimension).
    var inputShape: [Int] { get }
    /// Per-sample output shape (without the batch dimension).
    var outputShape: [Int] { get }
    /// Trainable tensors, in a stable order (weight before bias, gamma before beta).
    var parameters: [Parameter] { get }
    /// Multiply-adds of the forward map's products per sample (0 for elementwise layers): the
    /// measure of a layer's work, which its adjoint's weight-gradient product repeats.
    var multiplyAdds: Int { get }

    func forward(_ x: Tensor, mode: Mode) -> Tensor
    func tangent(_ dx: Tensor?, along directions: [Tensor?]) -> Tensor?
    func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor?
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var multiplyAdds: Int { 0 }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    /// The JVP with the parameters held fixed.
    public func tangent(_ dx: Tensor?) -> Tensor? { tangent(dx, along: []) }
}

extension Array where Element == Tensor? {
    /// The direction of parameter `k`; nil (zero) when the list does not reach it.
    func direction(_ k: Int) -> Tensor? { k < count ? self[k] : nil }
}
