import FDFAEngine

/// The language's names for a trainer's rule and hyperparameters (`configure`, `net.config`), in
/// one place so that reading and writing them agree.
enum TrainingConfiguration {
    /// `net.config`: the rule, then every hyperparameter under the name `configure` takes.
    static func record(_ trainer: Trainer) -> Record {
        let h = trainer.hyperparameters
        let momentum: Value
        switch h.feedbackUpdate {
        case .adam: momentum = .string("adam")
        case .movingAverage(let beta): momentum = number(beta)
        }
        return Record([
            ("rule", .string(trainer.rule.rawValue)), ("lr", number(h.learningRate)), ("b_lr", number(h.feedbackLearningRate)),
            ("weight_decay", number(h.weightDecay)), ("feedback_decay", number(h.feedbackDecay)), ("gamma", number(h.gamma)),
            ("momentum", momentum), ("current_lr", number(trainer.optimizer.learningRate)),
        ])
    }

    /// A float32 setting as the number it was written as (1e-4, not 9.999999747e-05).
    private static func number(_ x: Float) -> Value { .number(Double(x.description) ?? Double(x)) }

    /// The hyperparameters `args` gives, on top of `current` (parameters left at none keep theirs).
    static func hyperparameters(_ args: Arguments, current: Hyperparameters) throws -> Hyperparameters {
        var h = current
        let numbers: [(String, WritableKeyPath<Hyperparameters, Float>)] = [
            ("lr", \.learningRate), ("b_lr", \.feedbackLearningRate), ("weight_decay", \.weightDecay),
            ("feedback_decay", \.feedbackDecay), ("gamma", \.gamma),
        ]
        for (name, keyPath) in numbers where !args.isNone(name) {
            let x = try args.number(name)
            guard x.isFinite, x >= 0 else { throw LanguageError.runtime("'\(name)' must be a finite number, 0 or more, got \(Display.number(x))") }
            h[keyPath: keyPath] = Float(x)
        }
        switch args["momentum"] {
        case .none: break
        case .string(let s) where s.lowercased() == "adam": h.feedbackUpdate = .adam
        case .number(let beta) where beta >= 0 && beta < 1: h.feedbackUpdate = .movingAverage(beta: Float(beta))
        default: throw args.mismatch("momentum", expected: "\"adam\" or a number β in [0, 1)")
        }
        return h
    }

    static func rule(_ name: String) throws -> Rule {
        guard let rule = Rule(name: name) else {
            throw LanguageError.runtime("unknown rule '\(name)'; rules: \(Rule.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return rule
    }
}
