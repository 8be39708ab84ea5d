import Dispatch

/// Where a training step's time goes, phase by phase: set one as a trainer's `clock` and every step
/// adds each phase's wall time to it (`fdfa bench --phases`).
///
/// A phase is timed as the step runs it, with the other phases around it, so the caches and the
/// threads are as they are in training (unlike `fdfa bench --layers`, which times each layer's maps
/// alone). Reading the clock costs one monotonic clock read a phase, tens of nanoseconds.
public final class StepClock {
    public enum Phase: Int, CaseIterable {
        /// The rule's perturbations drawn for the step (FDFA, FG-A, FG-W).
        case perturbations
        /// The forward pass to the logits.
        case forward
        /// The tangent pass to the logits' tangent (FDFA, FG-A, FG-W).
        case tangent
        /// The loss, its error and the finiteness checks of the loss and the logits' tangent.
        case loss
        /// The rule's gradients (a backward pass, or the signals' segments) and their finiteness checks.
        case gradients
        /// Adam on the network's parameters.
        case update
        /// The rule's own update (feedback matrices).
        case ruleUpdate

        public var name: String {
            switch self {
            case .perturbations: "perturbations"
            case .forward: "forward"
            case .tangent: "tangent"
            case .loss: "loss"
            case .gradients: "gradients"
            case .update: "update"
            case .ruleUpdate: "rule update"
            }
        }
    }

    /// Seconds spent in each phase (indexed by `Phase.rawValue`) over the steps counted.
    public private(set) var seconds = [Double](repeating: 0, count: Phase.allCases.count)
    /// Steps finished since the clock was made or reset.
    public private(set) var steps = 0
    private var mark: UInt64 = 0

    public init() {}

    /// Seconds per step in `phase`, averaged over the steps counted (0 before the first).
    public func secondsPerStep(_ phase: Phase) -> Double { steps == 0 ? 0 : seconds[phase.rawValue] / Double(steps) }

    public func reset() {
        for i in seconds.indices { seconds[i] = 0 }
        steps = 0
    }

    /// Starts timing the next phase now.
    func start() { mark = DispatchTime.now().uptimeNanoseconds }

    /// Ends `phase`: the time since the last mark is its, and the next phase starts now.
    func lap(_ phase: Phase) {
        let now = DispatchTime.now().uptimeNanoseconds
        seconds[phase.rawValue] += Double(now - mark) / 1e9
        mark = now
    }

    func finishStep() { steps += 1 }
}
