import FDFAEngine

/// One user-facing seed, split into independent streams for the parts of a run, so that changing
/// how one part draws (e.g. a rule with perturbations) never shifts the numbers of another:
/// the network's initial weights, the rule's draws (feedback init, perturbations), the data order.
public struct SeedPlan: Equatable {
    public let seed: UInt64

    public init(_ seed: UInt64) { self.seed = seed }

    /// `--seed -1` (any negative): a fresh seed from the system's entropy, as an unseeded run.
    public init(flag: Int) { seed = flag < 0 ? Random.entropySeed() : UInt64(flag) }

    public var network: UInt64 { mix(1) }
    public var rule: UInt64 { mix(2) }
    public var data: UInt64 { mix(3) }

    /// SplitMix64's finaliser over (seed, stream): well-spread, distinct seeds per stream.
    private func mix(_ stream: UInt64) -> UInt64 {
        var z = seed &+ stream &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
