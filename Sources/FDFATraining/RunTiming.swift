import FDFAEngine
import Foundation

/// Where a training run's time went, for `fdfa train --timing`: loading the data, the evaluations,
/// the training steps and the batch assembly between them, measured on a monotonic clock; the rest
/// of the run (building the network, logs, checkpoints) is what remains of the total; and, when
/// `phases` is the trainer's clock, what a step spends in each of its phases.
public struct RunTiming {
    public var loading = Duration.zero
    public private(set) var evaluations = Duration.zero, evaluationCount = 0
    public private(set) var steps = Duration.zero, stepCount = 0
    public private(set) var batches = Duration.zero
    /// The steps' phases, when set as the trainer's `clock`.
    public let phases = StepClock()

    public init() {}

    /// Adds an epoch's steps and batch assembly.
    public mutating func add(_ epoch: TrainingRun.EpochSummary) {
        steps += epoch.stepTime
        stepCount += epoch.batches
        batches += epoch.batchTime
    }

    /// Runs an evaluation and adds its time.
    public mutating func timeEvaluation<T>(_ evaluate: () throws -> T) rethrows -> T {
        let clock = ContinuousClock(), start = clock.now
        defer {
            evaluations += clock.now - start
            evaluationCount += 1
        }
        return try evaluate()
    }

    /// One line for standard error, e.g. "Timing: 5.25 s in all: loading 0.15 s, 2 evaluations
    /// 0.44 s, 938 steps 4.52 s (4.82 ms a step), batches 0.05 s, the rest 0.09 s", and when
    /// `phases` timed steps a second, "A step: perturbations 0.10 ms, forward 1.27 ms, …" (the
    /// phases the rule runs: those under 0.005 ms are left out).
    public func summary(total: Duration) -> String {
        let rest = total - loading - evaluations - steps - batches
        let perStep = stepCount > 0 ? String(format: " (%.2f ms a step)", 1000 * Self.seconds(steps) / Double(stepCount)) : ""
        return "Timing: \(Self.format(total)) in all: loading \(Self.format(loading)), "
            + "\(counted(evaluationCount, "evaluation")) \(Self.format(evaluations)), "
            + "\(counted(stepCount, "step")) \(Self.format(steps))\(perStep), "
            + "batches \(Self.format(batches)), the rest \(Self.format(rest))"
            + (phases.steps == 0 ? "" : "\nA step: " + StepClock.Phase.allCases.compactMap { phase in
                let ms = 1000 * phases.secondsPerStep(phase)
                return ms < 0.005 ? nil : String(format: "%@ %.2f ms", phase.name, ms)
            }.joined(separator: ", "))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func format(_ d: Duration) -> String { String(format: "%.2f s", seconds(d)) }
}
