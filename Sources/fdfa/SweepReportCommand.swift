import ArgumentParser
import FDFAAnalysis
import FDFAEngine
import FDFATraining
import Foundation

/// `fdfa sweep report DIR`: one row per setting (the swept flags but the seed) with the final and best
/// test accuracy and the final test loss as mean ± standard deviation over its finished runs, read from
/// their CSV logs; per epoch with --epochs; paired differences with --compare; curves with --plot.
struct SweepReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Statistics of a sweep over seeds: Markdown or CSV tables, paired comparisons, SVG curves.",
        discussion: """
        Examples:
          fdfa sweep report runs/rules
          fdfa sweep report runs/rules --epochs --csv > per-epoch.csv
          fdfa sweep report runs/rules --compare FDFA,DFA
          fdfa sweep report runs/rules --plot accuracy.svg
        """)

    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case accuracy, loss
    }

    @Argument(help: "The sweep's folder (its --out).")
    var directory: String
    @Flag(help: "Print CSV instead of Markdown.")
    var csv = false
    @Flag(help: "One row per setting and epoch.")
    var epochs = false
    @Option(help: "Two values of one swept flag, A,B: the paired difference A − B of the final test accuracy, with its 95 % t interval.")
    var compare: String?
    @Option(help: "Draw the test curves (mean, with a band of ± one standard deviation, per setting) to this SVG file.")
    var plot: String?
    @Option(help: "The curve to plot: accuracy or loss (test).")
    var metric: Metric = .accuracy

    func validate() throws {
        if let compare, CommaList.items(compare).count != 2 { throw ValidationError("--compare takes two values A,B, got '\(compare)'") }
    }

    func run() throws {
        let sweep = try SweepDirectory(path: directory)
        let table: SweepTable
        if let compare {
            let values = CommaList.items(compare)
            table = try .comparison(sweep, values[0], values[1])
        } else {
            table = epochs ? .perEpoch(sweep) : .summary(sweep)
        }
        if !csv { emit("Sweep \(directory): \(sweep.finished.count) of \(counted(sweep.runs.count, "run")) finished.\n") }
        emit(csv ? table.csv : table.markdown)
        if !sweep.missing.isEmpty {
            let list = sweep.missing.map { $0.rows.isEmpty ? $0.run.name : "\($0.run.name) (epoch \($0.rows.count) logged)" }
            fputs("Missing \(counted(sweep.missing.count, "run")): \(list.joined(separator: ", "))\n", stderr)
        }
        if let plot {
            try SweepTable.figure(sweep, metric: metric).write(to: plot)
            if !csv { emit("\nWrote \(plot).") }
        }
    }
}

/// A report's table, kept in both forms: Markdown cells (mean ± std, rounded) and CSV cells (full precision).
struct SweepTable {
    var markdownHeader: [String]
    var csvHeader: [String]
    var markdownRows: [[String]] = []
    var csvRows: [[String]] = []

    var markdown: String {
        ([markdownHeader, markdownHeader.map { _ in "---" }] + markdownRows).map { "| " + $0.joined(separator: " | ") + " |" }
            .joined(separator: "\n")
    }

    var csv: String {
        ([csvHeader] + csvRows).map(CSVFile.line).joined(separator: "\n")
    }

    /// A row: leading cells, then each summary as `mean ± std` with its decimals (Markdown) or as two cells (CSV).
    /// A spread needs two values: for one, the Markdown cell is the value alone and the CSV's std cell is empty.
    mutating func add(_ leading: [String], _ summaries: [(SweepStatistics.Summary, decimals: Int)]) {
        markdownRows.append(leading + summaries.map { Self.cell($0.0, decimals: $0.decimals) })
        csvRows.append(leading + summaries.flatMap { ["\($0.0.mean)", Self.spread($0.0).map { "\($0)" } ?? ""] })
    }

    /// The sample standard deviation, or nil where it is undefined (fewer than two values).
    static func spread(_ s: SweepStatistics.Summary) -> Double? { s.count > 1 ? s.standardDeviation : nil }

    /// `mean ± std` rounded to `decimals` (`sign`: always signed), or the mean alone for one value.
    static func cell(_ s: SweepStatistics.Summary, decimals: Int, sign: Bool = false) -> String {
        let number = "%\(sign ? "+" : "").\(decimals)f"
        guard let spread = spread(s) else { return String(format: number, s.mean) }
        return String(format: "\(number) ± %.\(decimals)f", s.mean, spread)
    }

    private static func settingNames(_ sweep: SweepDirectory) -> [String] {
        sweep.manifest.parameters.map(\.name).filter { $0 != "seed" }
    }

    static func summary(_ sweep: SweepDirectory) -> SweepTable {
        let names = settingNames(sweep)
        var table = SweepTable(markdownHeader: names + ["n", "final test acc. (%)", "best test acc. (%)", "final test loss"],
                               csvHeader: names + ["n", "final_acc_mean", "final_acc_std", "best_acc_mean", "best_acc_std", "final_loss_mean", "final_loss_std"])
        for group in SweepStatistics.groups(sweep) {
            let final = SweepStatistics.Summary(group.runs.map { $0.rows.last?.testAccuracy ?? .nan })
            let best = SweepStatistics.Summary(group.runs.map { $0.rows.map(\.testAccuracy).max() ?? .nan })
            let loss = SweepStatistics.Summary(group.runs.map { $0.rows.last?.testLoss ?? .nan })
            table.add(group.settings.map(\.value) + ["\(final.count)"],
                      [(final, 2), (best, 2), (loss, 4)])
        }
        return table
    }

    static func perEpoch(_ sweep: SweepDirectory) -> SweepTable {
        let names = settingNames(sweep)
        var table = SweepTable(markdownHeader: names + ["epoch", "n", "test acc. (%)", "test loss", "training loss"],
                               csvHeader: names + ["epoch", "n", "acc_mean", "acc_std", "loss_mean", "loss_std", "train_loss_mean", "train_loss_std"])
        for group in SweepStatistics.groups(sweep) {
            let epochs = group.runs.map(\.rows.count).max() ?? 0
            for e in 0..<epochs {
                let rows = group.runs.compactMap { $0.rows.indices.contains(e) ? $0.rows[e] : nil }
                table.add(group.settings.map(\.value) + ["\(e + 1)", "\(rows.count)"],
                          [(.init(rows.map(\.testAccuracy)), 2), (.init(rows.map(\.testLoss)), 4), (.init(rows.map(\.trainingLoss)), 4)])
            }
        }
        return table
    }

    static func comparison(_ sweep: SweepDirectory, _ a: String, _ b: String) throws -> SweepTable {
        let comparisons = try SweepStatistics.compare(sweep, a, b) { $0.rows.last?.testAccuracy ?? .nan }
        guard let parameter = comparisons.first?.parameter else {
            throw SweepError("no finished pair of runs differs only in \(a) against \(b)")
        }
        let names = settingNames(sweep).filter { $0 != parameter }
        let what = "\(a) − \(b), final test acc. (points)"
        var table = SweepTable(markdownHeader: names + ["pairs", what, "95 % interval"],
                               csvHeader: names + ["pairs", "difference_mean", "difference_std", "interval_low", "interval_high"])
        for c in comparisons {
            let s = c.summary, interval = c.interval
            table.markdownRows.append(c.settings.map(\.value) + ["\(s.count)", cell(s, decimals: 2, sign: true),
                                                                 interval.map { String(format: "[%+.2f, %+.2f]", $0.lowerBound, $0.upperBound) } ?? "(needs 2 pairs)"])
            table.csvRows.append(c.settings.map(\.value) + ["\(s.count)", "\(s.mean)", spread(s).map { "\($0)" } ?? "",
                                                            interval.map { "\($0.lowerBound)" } ?? "", interval.map { "\($0.upperBound)" } ?? ""])
        }
        return table
    }

    /// Mean test curve per setting, with a band of ± one standard deviation over its runs.
    static func figure(_ sweep: SweepDirectory, metric: SweepReportCommand.Metric) -> SVGFigure {
        let series = SweepStatistics.groups(sweep).map { group -> PlotSeries in
            let epochs = group.runs.map(\.rows.count).max() ?? 0
            let summaries = (0..<epochs).map { e in
                SweepStatistics.Summary(group.runs.compactMap { $0.rows.indices.contains(e) ? $0.rows[e] : nil }
                    .map { metric == .accuracy ? $0.testAccuracy : $0.testLoss })
            }
            let band = PlotBand(lower: summaries.map { $0.mean - $0.standardDeviation }, upper: summaries.map { $0.mean + $0.standardDeviation })
            return PlotSeries(name: "\(group.label) (n=\(group.runs.count))", x: (0..<epochs).map { Double($0 + 1) },
                              y: summaries.map(\.mean), band: band)
        }
        return SVGFigure(title: "Test \(metric == .accuracy ? "accuracy" : "loss"): mean ± std over seeds", xLabel: "epoch",
                         yLabel: metric == .accuracy ? "test accuracy (%)" : "test loss", series: series)
    }
}
