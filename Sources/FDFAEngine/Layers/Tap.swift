/// A feedback tap: the point at the end of a hidden block where a learning rule injects its signal.
///
/// Forward:  h = x                     (identity: the tap only marks a place)
/// Tangent:  dh = dx + u               (u: the perturbation a rule passes for this tap; FDFA, FG-A)
/// Adjoint:  dx = dh                   (BP passes straight through; other rules replace dh, see `SignalRule`)
///
/// The tap holds no rule's state: feedback matrices, perturbations and signals belong to the rule
/// (see `LearningRule`), and the perturbation arrives as an argument of the tangent pass
/// (`Network.tangent(_:seeds:)`).
public final class Tap: Layer {
    public let inputShape: [Int]
    /// 1-based position among the network's taps (tap 1 is nearest the input).
    public let index: Int
    private var outputTangent = Workspace()
    /// h of the last forward (DKP's feedback gradient needs it).
    public private(set) var lastInput: Tensor?

    public init(shape: [Int], index: Int) {
        inputShape = shape
        self.index = index
    }

    public var description: String { "Tap \(index)" }
    public var outputShape: [Int] { inputShape }
    /// n: elements per sample at this tap.
    public var width: Int { inputShape.elementCount }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        lastInput = x
        return x
    }

    /// A tap has no parameters: its tangent adds a perturbation, given by `tangent(_:adding:)`.
    public func tangent(_ dx: Tensor?, along _: [Tensor?]) -> Tensor? { dx }

    /// dh = dx + u, with `u` (batch × tap shape) the perturbation injected here; nil is zero.
    public func tangent(_ dx: Tensor?, adding u: Tensor?) -> Tensor? {
        guard let u else { return dx }
        guard let dx else { return u }
        let out = outputTangent.tensor(dx.shape)
        let a = dx.data, b = u.data, o = out.data
        parallelFor(dx.count, minimumPerThread: elementwiseGrain) { range in
            for i in range { o[i] = a[i] + b[i] }
        }
        return out
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? { needInputGradient ? dy : nil }
}
