import FDFAAnalysis

/// What `align(net, batch)` measured (docs/reference.md#analysis): prints as the report's table; its fields give the
/// numbers as lists, one entry per tap or per layer with parameters, for plotting and tracking,
/// each entry labelled with its tap or layer when printed.
final class AlignmentValue: HostObject {
    let report: AlignmentReport

    init(_ report: AlignmentReport) { self.report = report }

    var typeName: String { "alignment" }
    var fieldNames: [String] {
        ["rule", "loss", "cos_delta", "norm_ratio_delta", "cos_BJ", "norm_ratio_BJ", "cos_grad", "norm_ratio_grad", "layers", "columns"]
    }

    func field(_ name: String) -> Value? {
        func numbers(_ values: [Double?]) -> [Value] { values.map { $0.map(Value.number) ?? Value.none } }
        // Printed, each entry says which tap or layer it belongs to.
        func perTap(_ value: (AlignmentReport.TapRecord) -> Double?) -> Value {
            .list(ValueList(numbers(report.taps.map(value)), labels: report.taps.map { "tap \($0.index)" }))
        }
        func perLayer(_ value: (AlignmentReport.LayerRecord) -> Double) -> Value {
            .list(ValueList(numbers(report.layers.map(value)), labels: report.layers.map { "layer \($0.index)" }))
        }
        switch name {
        case "rule": return .string(report.rule.rawValue)
        case "loss": return .number(Double(report.loss))
        case "cos_delta": return perTap { $0.delta?.cosine }
        case "norm_ratio_delta": return perTap { $0.delta?.normRatio }
        case "cos_BJ": return perTap { $0.feedback?.cosine }
        case "norm_ratio_BJ": return perTap { $0.feedback?.normRatio }
        case "cos_grad": return perLayer(\.gradient.cosine)
        case "norm_ratio_grad": return perLayer(\.gradient.normRatio)
        case "layers": return .list(numbers(report.layers.map { Double($0.index) }))
        case "columns": return .record(Record((report.gradientColumns + report.feedbackColumns).map { ($0.name, .number($0.value)) }))
        default: return nil
        }
    }

    var description: String { report.description }
}

extension AlignmentValue: Tabular {
    /// The report's rows, one per comparison: where, what, and the two numbers.
    var table: Table {
        let rows = report.rows.flatMap { row in
            row.comparisons.map { [row.entry, $0.label, $0.comparison.map(\.cosineText) ?? "—",
                                   $0.comparison.map { $0.normRatio.formatted(digits: 4) } ?? "—"] }
        }
        return Table(caption: [report.title, report.note].compactMap { $0 }.joined(separator: " "), columns: ["", "compared", "cos", "norm ratio"], rows: rows, rowHeaders: true)
    }
}
