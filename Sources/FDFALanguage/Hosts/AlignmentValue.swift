import FDFAAnalysis

/// What `align(net, batch)` measured (docs/reference.md#analysis): prints as the report's table; its fields give the
/// numbers as lists, one entry per tap or per layer with parameters, for plotting and tracking.
final class AlignmentValue: HostObject {
    let report: AlignmentReport

    init(_ report: AlignmentReport) { self.report = report }

    var typeName: String { "alignment" }
    var fieldNames: [String] {
        ["rule", "loss", "cos_delta", "norm_ratio_delta", "cos_BJ", "norm_ratio_BJ", "cos_grad", "norm_ratio_grad", "layers", "columns"]
    }

    func field(_ name: String) -> Value? {
        func numbers(_ values: [Double?]) -> Value { .list(values.map { $0.map(Value.number) ?? Value.none }) }
        switch name {
        case "rule": return .string(report.rule.rawValue)
        case "loss": return .number(Double(report.loss))
        case "cos_delta": return numbers(report.taps.map { $0.delta?.cosine })
        case "norm_ratio_delta": return numbers(report.taps.map { $0.delta?.normRatio })
        case "cos_BJ": return numbers(report.taps.map { $0.feedback?.cosine })
        case "norm_ratio_BJ": return numbers(report.taps.map { $0.feedback?.normRatio })
        case "cos_grad": return numbers(report.layers.map { $0.gradient.cosine })
        case "norm_ratio_grad": return numbers(report.layers.map { $0.gradient.normRatio })
        case "layers": return numbers(report.layers.map { Double($0.index) })
        case "columns": return .record(Record((report.gradientColumns + report.feedbackColumns).map { ($0.name, .number($0.value)) }))
        default: return nil
        }
    }

    var description: String { report.description }
}
