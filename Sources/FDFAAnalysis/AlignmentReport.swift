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
    /// One line of the report: a tap or a layer, and what was compared there.
    public struct Row {
        /// "tap 1", "layer 2 Linear(784 → 256)".
        public let entry: String
        /// Labelled comparisons: a tap's "δ" (nil for FG-W, which has no signal) and, when measured,
        /// its "B vs J"; a layer's "grad".
        public let comparisons: [(label: String, comparison: Comparison?)]
    }

    /// What the report is about: the rule and the batch's loss.
    public var title: String { "\(rule) on a batch with loss \(Double(loss).formatted(digits: 4))" }

    /// One row per tap, then one per layer: the source of the printed table and of any other view.
    public var rows: [Row] {
        taps.map { tap in
            Row(entry: "tap \(tap.index)", comparisons: [("δ", tap.delta)] + (tap.feedback.map { [("B vs J", $0)] } ?? []))
        } + layers.map { layer in
            Row(entry: "layer \(layer.index) \(layer.description)", comparisons: [("grad", layer.gradient)])
        }
    }

    /// Why some signals are zero, when the reason is the rule's starting point: DKP and FDFA start
    /// every B_l at zero, so before their first steps δ_l = e B_l has no direction to compare.
    public var note: String? {
        let zeroFeedback = taps.filter { $0.feedback?.estimateIsZero == true }.map { "B_\($0.index)" }
        guard !zeroFeedback.isEmpty else { return nil }
        return "(\(zeroFeedback.joined(separator: ", ")) = 0: \(rule) starts its feedback matrices at zero; "
            + "after some training steps they take the direction of J_l)"
    }

    /// A small table for the REPL: one line per tap, then one per layer, then the note if any.
    public var description: String {
        ([title] + rows.map { row in
            "  " + row.entry + row.comparisons.map { "   \($0.label): " + ($0.comparison.map(String.init(describing:)) ?? "—") }.joined()
        } + (note.map { ["  " + $0] } ?? [])).joined(separator: "\n")
    }
}
