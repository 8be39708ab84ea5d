import FDFAEngine
import Foundation

/// Records the quantities of docs/reference.md#analysis every N steps of a training run into a CSV file (and a `table`).
///
/// Use: make one before training with the groups, the period, the CSV path and a fixed measurement
/// batch; call `maybeRecord` after every step (and once with step 0 before the first, for the
/// starting point); `close` at the end. A measurement draws from its own generator and moves no
/// running statistics (see `Trainer.measureGradients`): a run with tracking produces bit-identical
/// parameters to the same run without.
///
/// Columns: `step`, `epoch`, then per group (see `TrackGroups`) one column per quantity and layer.
/// Costs per record, on the measurement batch of size B: `cos` two forward and two backward passes;
/// `align` the exact Jacobians, K backward passes, or B·K when BatchNorm lies above a tap (keep B
/// small, e.g. 32); `var` one forward, one backward and `draws` tangent passes.
public final class Tracker {
    public let groups: TrackGroups
    public let every: Int
    public var path: String { file.path }
    public private(set) var table = TrackedTable()

    private let images: Tensor
    private let labels: [Int32]
    private let seed: UInt64
    private let draws: Int
    private let file: CSVFile
    /// The file's column names, once written (or found in the file a resumed run continues).
    private var header: [String]?
    /// The step of the file's last row: a resumed run does not measure it again.
    private var lastStep: Int?

    /// `seed` seeds the measurement's own perturbations (never the trainer's); `draws` is S for `var`.
    /// `resumingAfter`: the step a resumed run continues from; its file at `path`, if there is one,
    /// is continued, not truncated, with the rows measured after that step (before a kill that came
    /// ahead of the checkpoint) cut off.
    public init(groups: TrackGroups, every: Int, path: String, images: Tensor, labels: [Int32],
                seed: UInt64 = 0, draws: Int = 16, resumingAfter step: Int? = nil) throws {
        guard every > 0 else { throw TrackError("--track-every must be at least 1, got \(every)") }
        guard draws > 0 else { throw TrackError("the variance needs at least one draw, got \(draws)") }
        self.groups = groups
        self.every = every
        self.images = images
        self.labels = labels
        self.seed = seed
        self.draws = draws
        if let step, FileManager.default.fileExists(atPath: path) {
            var header: [String]?, lastStep: Int?
            file = try CSVFile(appendingTo: path) { lines in
                guard let first = lines.first else { return 0 }
                header = first.map(String.init)
                let rows = lines.dropFirst().prefix { ($0.first.flatMap { Double($0) }).map { Int($0) <= step } ?? false }
                lastStep = rows.last?.first.flatMap { Double($0) }.map { Int($0) }
                return 1 + rows.count
            }
            (self.header, self.lastStep) = (header, lastStep)
        } else {
            file = try CSVFile(path: path)
        }
    }

    /// Records when `step` is a multiple of `every`; returns whether it did.
    @discardableResult
    public func maybeRecord(trainer: Trainer, step: Int, epoch: Int) throws -> Bool {
        guard step % every == 0, step != lastStep else { return false }
        try record(trainer: trainer, step: step, epoch: epoch)
        return true
    }

    /// Measures now and appends one row (writing the header first, once).
    public func record(trainer: Trainer, step: Int, epoch: Int) throws {
        let drawSeed = seed &+ UInt64(step)
        var cells: [(name: String, value: Double)] = [("step", Double(step)), ("epoch", Double(epoch))]
        if !groups.isDisjoint(with: [.cos, .align]) {
            let report = try Alignment.measure(trainer, images: images, labels: labels,
                                               feedback: groups.contains(.align), seed: drawSeed)
            if groups.contains(.cos) { cells += report.gradientColumns }
            if groups.contains(.align) { cells += report.feedbackColumns }
        }
        if groups.contains(.variance) {
            cells += try varianceColumns(trainer.network, estimator: .default(for: trainer.rule, on: trainer.network), seed: drawSeed)
        }
        let names = cells.map(\.name)
        if let header {
            guard header == names else {
                throw TrackError("\(path) holds other columns (\(header.joined(separator: ","))) than this run tracks (\(names.joined(separator: ",")))")
            }
        } else {
            try file.write(names)
            header = names
        }
        table.append(cells)
        try file.write(cells.map { $0.value.formatted(digits: 7) })
        lastStep = step
    }

    public func close() { file.close() }

    private func varianceColumns(_ network: Network, estimator: Estimator, seed: UInt64) throws -> [(name: String, value: Double)] {
        try EstimatorStudy.run(network, images: images, labels: labels, estimator: estimator, draws: draws, seed: seed)
            .flatMap { s in
                [("var_\(s.target)", s.variance), ("rel_var_\(s.target)", s.relativeVariance),
                 ("cos_est_\(s.target)", s.meanCosine), ("cos_est_std_\(s.target)", s.stdCosine)]
            }
    }
}
