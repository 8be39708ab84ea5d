/// The registry of learning rules: each name and the type that implements it (docs/reference.md#learning-rules).
///
/// In every rule but FG-W the output layer gets its true gradient; the rules differ in the signal
/// that reaches the hidden layers. Adding a rule: its type in a file of its own (see
/// `LearningRule`), a case here and its line in `type`.
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
    /// Feedback alignment (Lillicrap et al. 2016): the error goes down through fixed random B_i in place of W_i.
    case fa = "FA"

    /// The type implementing the rule.
    public var type: LearningRule.Type {
        switch self {
        case .bp: BP.self
        case .fa: FA.self
        case .dfa: DFA.self
        case .dkp: DKP.self
        case .fdfa: FDFA.self
        case .fgw: FGW.self
        case .fga: FGA.self
        }
    }

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
}
