/// What the rules that inject a signal δ_l at every tap (DFA, DKP, FDFA, FG-A) share: the signal
/// buffers and the backward pass cut at the taps (`BackwardSegments`), each segment with its
/// feedback gradient and the finiteness check of its gradients. A subclass says what δ_l is
/// (`fillSignal`) and, if it trains feedback, that gradient (`computeFeedbackGradient`).
public class SignalRule {
    let network: Network
    private let backwardSegments: BackwardSegments
    private var signalBuffers: [Workspace]
    public private(set) var signals: [Tensor?]

    init(network: Network) {
        self.network = network
        backwardSegments = BackwardSegments(network)
        signalBuffers = Array(repeating: Workspace(), count: network.taps.count)
        signals = Array(repeating: nil, count: network.taps.count)
    }

    /// Writes δ_l at `tap` (batch × tap shape) into `delta`.
    func fillSignal(_ delta: Tensor, at tap: Tap, error e: Tensor, outputTangent d: Tensor?) {
        fatalError("\(Self.self) must say what its signal is")
    }

    /// Fills the feedback gradient at `tap` and returns it; nil when the rule has none.
    func computeFeedbackGradient(at tap: Tap, error e: Tensor, outputTangent d: Tensor?) -> Tensor? { nil }

    /// The backward pass in which every tap replaces the gradient from above with δ_l, segment by
    /// segment. Returns whether every gradient is finite. A layer is asked for its input gradient only
    /// when a layer with parameters below uses it before a tap would discard it.
    public func computeGradients(error e: Tensor, outputTangent d: Tensor?) -> Bool {
        let segments = backwardSegments.segments
        // The buffers first, one after the other: the segments below may run side by side.
        for tap in network.taps { signals[tap.index - 1] = signalBuffers[tap.index - 1].tensor([e.batch] + tap.inputShape) }
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: segments.count) { finite in
            backwardSegments.forEach { s in
                let segment = segments[s]
                var g = e
                if let tap = segment.tap {
                    let delta = signals[tap.index - 1]!
                    fillSignal(delta, at: tap, error: e, outputTangent: d)
                    g = delta
                }
                _ = network.backward(segment.layers, from: g, tapsReplaceIt: true)
                var ok = segment.gradients.allSatisfy(isFinite)
                if let tap = segment.tap, let feedback = computeFeedbackGradient(at: tap, error: e, outputTangent: d) {
                    ok = ok && isFinite(feedback)
                }
                finite[s] = ok
            }
            return finite.allSatisfy { $0 }
        }
    }
}
