import FDFAEngine

/// One tap of a network (`net.tap(l)`): where feedback is injected. `B` is a copy of its feedback
/// matrix (classes × width; none under BP, FG-W and FG-A) and `u` of the last perturbation FDFA or
/// FG-A drew there (batch × tap shape; none before the first step).
final class TapValue: HostObject {
    let tap: Tap

    init(_ tap: Tap) { self.tap = tap }

    var typeName: String { "tap" }
    var fieldNames: [String] { ["index", "shape", "width", "B", "u"] }

    func field(_ name: String) -> Value? {
        switch name {
        case "index": return .number(Double(tap.index))
        case "shape": return .dimensions(tap.inputShape)
        case "width": return .number(Double(tap.width))
        case "B": return tap.feedback.map { .tensor($0.copy()) } ?? Value.none
        case "u": return tap.perturbation.map { .tensor($0.copy()) } ?? Value.none
        default: return nil
        }
    }

    var description: String {
        "tap \(tap.index): \(format(tap.inputShape))" + (tap.feedback.map { ", feedback \(format($0.shape))" } ?? ", no feedback")
    }
}
