/// A learning rule: how the hidden layers get their training signal (SPEC §2).
///
/// In every rule but FG-W the output layer gets its true gradient; the rules differ in the signal δ_l
/// that arrives at each tap l from above. FG-W perturbs all parameters jointly instead.
public enum Rule: String, CaseIterable, CustomStringConvertible {
    /// Backpropagation: δ_l = dL/dh_l.
    case bp = "BP"
    /// Direct Feedback Alignment (Nøkland 2016): δ_l = e B_l with B_l fixed and random.
    case dfa = "DFA"
    /// Direct Kolen–Pollack (Webster et al. 2021): δ_l = e B_l, B_l trained with gradient eᵀ h_l.
    case dkp = "DKP"
    /// Forward DFA (Bacho & Chu 2024): δ_l = e B_l, B_l trained toward the batch mean of d ⊗ u_l.
    case fdfa = "FDFA"
    /// Weight-perturbed forward gradient (Baydin et al. 2022): every parameter gets (∇L·v) v.
    case fgw = "FG-W"
    /// Activity-perturbed forward gradient: δ_l,i = (e_i · d_i) u_l,i.
    case fga = "FG-A"

    public var description: String { rawValue }

    /// Parses a rule name case-insensitively, accepting "FGW"/"FG_W" for "FG-W" and so on.
    public init?(name: String) {
        let key = name.uppercased().replacingOccurrences(of: "_", with: "-")
        if let rule = Rule(rawValue: key) { self = rule; return }
        switch key {
        case "FGW": self = .fgw
        case "FGA": self = .fga
        default: return nil
        }
    }

    /// Whether the taps carry a feedback matrix B_l.
    public var usesFeedback: Bool { self == .dfa || self == .dkp || self == .fdfa }
    /// Whether the feedback matrices are trained.
    public var trainsFeedback: Bool { self == .dkp || self == .fdfa }
    /// Whether the forward pass carries a tangent seeded by tap perturbations u_l.
    public var perturbsActivities: Bool { self == .fdfa || self == .fga }
}

import Foundation
