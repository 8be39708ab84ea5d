import FDFAEngine

/// A single-draw forward-gradient estimator (docs/reference.md#learning-rules, docs/reference.md#analysis) and what it estimates.
public enum Estimator: String, CaseIterable, CustomStringConvertible {
    /// FG-W: (∇L · v) v with one v ~ N(0, I) over all parameters, against BP's full gradient.
    case fgw = "FG-W"
    /// FG-A: (e_i · d_i) u_l,i per sample, against the true dL/dh_l at each tap.
    case fga = "FG-A"
    /// FDFA's single draw (1/B) Σ_i d_i ⊗ u_l,i, against the batch-mean Jacobian J_l at each tap
    /// (what B_l averages, with momentum, over training).
    case fdfa = "FDFA"

    public var description: String { rawValue }

    /// The estimator a rule trains with: FG-W and FG-A their own, FDFA its Jacobian draw; nil for the
    /// rules that draw nothing (BP, FA, DFA, DKP).
    public init?(rule: Rule) {
        switch rule {
        case .fgw: self = .fgw
        case .fga: self = .fga
        case .fdfa: self = .fdfa
        default: return nil
        }
    }

    /// The estimator measured for `rule` on `network`: the rule's own; for the rules that draw
    /// nothing, FDFA's Jacobian draw where there are taps (how noisy an FDFA step would be there)
    /// and FG-W's otherwise.
    public static func `default`(for rule: Rule, on network: Network) -> Estimator {
        Estimator(rule: rule) ?? (network.taps.isEmpty ? .fgw : .fdfa)
    }
}

/// An estimator's statistics over S independent draws against one target (all parameters, or a tap).
public struct EstimatorStatistics: Equatable {
    /// "all" for the full parameter vector (FG-W), else the tap's 1-based index as text.
    public let target: String
    public let draws: Int
    /// Mean and sample standard deviation of the single-draw cosine with the truth.
    public let meanCosine: Double
    public let stdCosine: Double
    /// Mean over draws of ‖estimate − truth‖²: the estimator's variance about the truth it is
    /// unbiased for (plus Monte-Carlo noise).
    public let variance: Double
    /// The mean of the S draws against the truth: for an unbiased estimator its cosine and norm ratio
    /// tend to 1 as S grows.
    public let averaged: Comparison

    /// ‖truth‖².
    public var truthNormSquared: Double { averaged.truthNormSquared }
    /// variance / ‖truth‖²: comparable across widths and estimators (FG-W's is P + 1 in expectation).
    public var relativeVariance: Double { variance / truthNormSquared }
}
