import FDFAEngine

/// One tap of a network (`net.tap(l)`): where feedback is injected. `B` is a copy of the rule's
/// feedback matrix there (classes × width; none under BP, FA, FG-W and FG-A) and `u` of the last
/// perturbation FDFA or FG-A drew there (batch × tap shape; none before the first step).
final class TapValue: HostObject {
    let tap: Tap
    /// The rule the network had when the tap was looked up, whose state `B` and `u` show.
    let rule: LearningRule

    init(_ tap: Tap, rule: LearningRule) {
        self.tap = tap
        self.rule = rule
    }

    /// B_l under the rule, the live tensor.
    var feedback: Tensor? { rule.tapFeedback.isEmpty ? nil : rule.tapFeedback[tap.index - 1] }

    var typeName: String { "tap" }
    var fieldNames: [String] { ["index", "shape", "width", "B", "u"] }

    func field(_ name: String) -> Value? {
        switch name {
        case "index": return .number(Double(tap.index))
        case "shape": return .dimensions(tap.inputShape)
        case "width": return .number(Double(tap.width))
        case "B": return feedback.map { .tensor($0.copy()) } ?? Value.none
        case "u": return rule.seeds?.taps[tap.index - 1].map { .tensor($0.copy()) } ?? Value.none
        default: return nil
        }
    }

    var description: String {
        "tap \(tap.index): \(format(tap.inputShape))" + (feedback.map { ", feedback \(format($0.shape))" } ?? ", no feedback")
    }
}
