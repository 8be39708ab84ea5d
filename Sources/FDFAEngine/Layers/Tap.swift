/// A feedback tap: the point at the end of a hidden block where a learning rule injects its signal.
///
/// Forward:  h = x                     (identity: the tap only marks a place)
/// Tangent:  dh = dx + u               (u: this tap's perturbation, when a rule sets one; FDFA, FG-A)
/// Adjoint:  dx = dh                   (BP passes straight through; other rules replace dh, see `Trainer`)
///
/// The tap owns the rule's state for its layer: the feedback matrix B (K × n, n = elements per sample)
/// for DFA, DKP and FDFA, and the perturbation u (batch × n) drawn each step for FDFA and FG-A.
public final class Tap: Layer {
    public let inputShape: [Int]
    /// 1-based position among the network's taps (tap 1 is nearest the input).
    public let index: Int
    /// B: classes × (elements per sample); `nil` until a rule that needs it is chosen. Its `Trainer`
    /// creates it and updates this very tensor, so others change its values (`assign`), not the tensor.
    public internal(set) var feedback: Tensor?
    /// u: batch × (elements per sample); when set, `tangent` adds it to the tangent passing through.
    public var perturbation: Tensor?
    /// δ_l: the rule's signal injected here by the last step (DFA, DKP, FDFA, FG-A), else `nil`.
    public internal(set) var signal: Tensor?
    private var perturbationBuffer = Workspace()
    private var signalBuffer = Workspace()
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
    public var width: Int { inputShape.reduce(1, *) }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        lastInput = x
        return x
    }

    public func tangent(_ dx: Tensor?) -> Tensor? {
        guard let u = perturbation else { return dx }
        guard let dx else { return u }
        let out = outputTangent.tensor(dx.shape)
        let a = dx.data, b = u.data, o = out.data
        parallelFor(dx.count, minimumPerThread: elementwiseGrain) { range in
            for i in range { o[i] = a[i] + b[i] }
        }
        return out
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? { needInputGradient ? dy : nil }

    /// The buffer for this step's δ_l (batch × n), made the tap's `signal`; the rule fills it.
    func newSignal(batch: Int) -> Tensor {
        let delta = signalBuffer.tensor([batch] + inputShape)
        signal = delta
        return delta
    }

    /// Draws a fresh u ~ N(0, I) for a batch of `batch` samples and makes it this tap's perturbation.
    public func perturb(batch: Int, rng: inout Random) {
        let u = perturbationBuffer.tensor([batch] + inputShape)
        rng.fillNormal(u)
        perturbation = u
    }
}
