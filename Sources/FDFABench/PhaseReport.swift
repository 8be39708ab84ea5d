import FDFAEngine
import Foundation

/// `fdfa bench --phases`: a case's step cut into its phases (`StepClock.Phase`), each the median over
/// the timed steps, so the phases add up to about the step's median (not exactly: medians of parts).
extension Benchmark.Result {
    /// The lines printed under the case's row: each phase's milliseconds and share of the step.
    public func phaseTable() -> [String] {
        var lines = ["      phase             ms   share"]
        for phase in StepClock.Phase.allCases {
            let ms = phaseMilliseconds[phase.rawValue]
            lines.append("      " + phase.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %7.3f %6.1f %%", ms, 100 * ms / stepMilliseconds))
        }
        lines.append(String(format: "      phases %.2f ms, step %.2f ms", phaseMilliseconds.reduce(0, +), stepMilliseconds))
        return lines
    }

    /// One JSON object a phase (lines of `fdfa bench --phases --json`).
    public func phaseJSON() -> [String] {
        StepClock.Phase.allCases.map { phase in
            String(format: #"{"arch":"%@","rule":"%@","batch":%d,"phase":"%@","ms":%.4f}"#,
                   arch, rule.rawValue, batch, phase.name, phaseMilliseconds[phase.rawValue])
        }
    }
}
