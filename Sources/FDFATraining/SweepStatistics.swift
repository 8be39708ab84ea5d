import FDFAAnalysis
import Foundation

/// The statistics of a sweep's report: runs grouped by setting (every swept flag but the seed), mean
/// and sample standard deviation over each group's runs, and the paired difference of two values of a
/// flag with its 95 % Student t interval.
public enum SweepStatistics {
    /// Runs sharing every setting but the seed.
    public struct Group {
        /// The settings shared by the group (the swept flags other than the seed).
        public let settings: [SweepManifest.Setting]
        public let runs: [SweepDirectory.RunState]
        public var label: String { settings.isEmpty ? "all runs" : settings.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }
    }

    public struct Summary: Equatable {
        public let count: Int
        public let mean: Double
        public let standardDeviation: Double
        public init(_ values: [Double]) {
            var moments = RunningMoments()
            values.forEach { moments.add($0) }
            count = moments.count
            mean = values.isEmpty ? .nan : moments.mean
            standardDeviation = moments.standardDeviation
        }
    }

    /// The finished runs grouped by their settings without the flags in `ignoring`, in grid order.
    public static func groups(_ sweep: SweepDirectory, ignoring: Set<String> = ["seed"]) -> [Group] {
        var order: [[SweepManifest.Setting]] = [], members: [[SweepManifest.Setting]: [SweepDirectory.RunState]] = [:]
        for state in sweep.finished {
            let key = state.run.settings.filter { !ignoring.contains($0.name) }
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(state)
        }
        return order.map { Group(settings: $0, runs: members[$0]!) }
    }

    /// A paired comparison: for each pair of finished runs equal in every setting but `parameter`,
    /// one with `first` and one with `second`, the difference first − second of `metric`.
    public struct Comparison {
        public let parameter: String
        public let first: String, second: String
        /// The settings other than the parameter and the seed that the pairs share.
        public let settings: [SweepManifest.Setting]
        public let differences: [Double]
        public var summary: Summary { Summary(differences) }
        /// The 95 % confidence interval of the mean difference (Student t, n − 1 degrees of freedom);
        /// nil for fewer than two pairs.
        public var interval: ClosedRange<Double>? {
            let s = summary
            guard s.count >= 2 else { return nil }
            let half = tQuantile975(degreesOfFreedom: s.count - 1) * s.standardDeviation / Double(s.count).squareRoot()
            return (s.mean - half)...(s.mean + half)
        }
    }

    /// Pairs the runs of `first` and `second` (two values of one swept flag) and returns one comparison
    /// per combination of the other settings (the seed excepted). Throws when no swept flag has both values.
    public static func compare(_ sweep: SweepDirectory, _ first: String, _ second: String,
                               metric: (SweepDirectory.RunState) -> Double) throws -> [Comparison] {
        guard let parameter = sweep.manifest.parameters.first(where: { $0.values.contains(first) && $0.values.contains(second) }) else {
            throw SweepError("no swept flag has both '\(first)' and '\(second)' among its values ("
                             + sweep.manifest.parameters.map { "\($0.name): \($0.values.joined(separator: ","))" }.joined(separator: "; ") + ")")
        }
        func value(_ state: SweepDirectory.RunState) -> String? { state.run.settings.first { $0.name == parameter.name }?.value }
        func rest(_ state: SweepDirectory.RunState) -> [SweepManifest.Setting] { state.run.settings.filter { $0.name != parameter.name } }
        let seconds = Dictionary(sweep.finished.filter { value($0) == second }.map { (rest($0), $0) }) { a, _ in a }
        var order: [[SweepManifest.Setting]] = [], differences: [[SweepManifest.Setting]: [Double]] = [:]
        for a in sweep.finished where value(a) == first {
            guard let b = seconds[rest(a)] else { continue }
            let key = rest(a).filter { $0.name != "seed" }
            if differences[key] == nil { order.append(key) }
            differences[key, default: []].append(metric(a) - metric(b))
        }
        return order.map { Comparison(parameter: parameter.name, first: first, second: second, settings: $0, differences: differences[$0]!) }
    }

    /// The 0.975 quantile of Student's t distribution: tabulated to 6 decimals up to 30 degrees of
    /// freedom, and from the Cornish–Fisher expansion about the normal quantile beyond (error < 1e-6).
    public static func tQuantile975(degreesOfFreedom n: Int) -> Double {
        precondition(n >= 1, "degrees of freedom must be positive")
        let table = [12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
                     2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
                     2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272]
        if n <= table.count { return table[n - 1] }
        let z = 1.959963984540054, v = Double(n)
        let g1 = (pow(z, 3) + z) / 4
        let g2 = (5 * pow(z, 5) + 16 * pow(z, 3) + 3 * z) / 96
        let g3 = (3 * pow(z, 7) + 19 * pow(z, 5) + 17 * pow(z, 3) - 15 * z) / 384
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v)
    }
}
