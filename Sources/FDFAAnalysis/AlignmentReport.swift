import FDFAEngine

/// The per-tap and per-layer numbers of docs/reference.md#analysis for one trainer on one batch (see `Alignment.measure`).
public struct AlignmentReport {
    /// One tap l (1-based, tap 1 nearest the input).
    public struct TapRecord {
        public let index: Int
        /// The rule's δ_l against the true dL/dh_l, flattened over the batch; nil for FG-W (no signal).
        public let delta: Comparison?
        /// B_l against the batch-mean Jacobian J_l; nil when the rule has no feedback matrices or
        /// feedback was not measured.
        public let feedback: Comparison?
    }

    /// One layer with parameters, numbered by its 1-based position in `Network.layers` (as engine
    /// messages number layers); all of its parameters form one vector.
    public struct LayerRecord {
        public let index: Int
        public let description: String
        public let gradient: Comparison
    }

    public let rule: Rule
    /// BP's batch-mean loss on the measured batch.
    public let loss: Float
    public let taps: [TapRecord]
    public let layers: [LayerRecord]

    /// `cos_delta_l`, `norm_ratio_delta_l` per tap, then `cos_grad_L`, `norm_ratio_grad_L` per layer.
    public var gradientColumns: [(name: String, value: Double)] {
        taps.flatMap { tap in
            tap.delta.map { [("cos_delta_\(tap.index)", $0.cosine), ("norm_ratio_delta_\(tap.index)", $0.normRatio)] } ?? []
        } + layers.flatMap { layer in
            [("cos_grad_\(layer.index)", layer.gradient.cosine), ("norm_ratio_grad_\(layer.index)", layer.gradient.normRatio)]
        }
    }

    /// `cos_BJ_l`, `norm_ratio_BJ_l` per tap with a feedback matrix.
    public var feedbackColumns: [(name: String, value: Double)] {
        taps.flatMap { tap in
            tap.feedback.map { [("cos_BJ_\(tap.index)", $0.cosine), ("norm_ratio_BJ_\(tap.index)", $0.normRatio)] } ?? []
        }
    }
}

extension AlignmentReport: CustomStringConvertible {
    /// A small table for the REPL: one line per tap, then one per layer.
    public var description: String {
        var lines = ["\(rule) on a batch with loss \(Double(loss).formatted(digits: 4))"]
        for tap in taps {
            let delta = tap.delta.map { "δ: \($0)" } ?? "δ: —"
            let feedback = tap.feedback.map { "   B vs J: \($0)" } ?? ""
            lines.append("  tap \(tap.index)   \(delta)\(feedback)")
        }
        for layer in layers {
            lines.append("  layer \(layer.index) \(layer.description)   grad: \(layer.gradient)")
        }
        return lines.joined(separator: "\n")
    }
}
