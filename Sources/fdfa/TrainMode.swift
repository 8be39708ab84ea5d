import ArgumentParser
import FDFAEngine

/// `--train-mode`: a rule of the engine's registry (`Rule`), or FDFA-EMA, FDFA with the paper's
/// moving-average feedback update. The choices come from the registry, so a new rule needs no edit here.
struct TrainMode: Equatable, CaseIterable, CustomStringConvertible, ExpressibleByArgument {
    let rule: Rule
    /// Whether FDFA takes its moving-average form (FDFA-EMA).
    let movingAverage: Bool

    init(_ rule: Rule) {
        self.rule = rule
        movingAverage = false
    }

    private init(movingAverageOf rule: Rule) {
        self.rule = rule
        movingAverage = true
    }

    static let fdfaEMA = TrainMode(movingAverageOf: .fdfa)

    static var allCases: [TrainMode] { Rule.allCases.map { TrainMode($0) } + [fdfaEMA] }

    /// Any spelling `Rule(name:)` accepts ("fdfa", "FG_W", "fgw"), and "FDFA-EMA" the same way.
    init?(argument: String) {
        let key = argument.uppercased().replacingOccurrences(of: "_", with: "-")
        if key == "FDFA-EMA" || key == "FDFAEMA" {
            self = .fdfaEMA
        } else if let rule = Rule(name: argument) {
            self.init(rule)
        } else {
            return nil
        }
    }

    /// The mode's name in logs and paths: the rule's, or "FDFA-EMA".
    var description: String { movingAverage ? "FDFA-EMA" : rule.rawValue }
}
