/// The perturbations u_l ~ N(0, I) of the rules that perturb activities (FDFA, FG-A): one per tap,
/// batch × tap shape, drawn each step into buffers of the rule's own and handed to the tangent pass
/// in `seeds`.
struct TapPerturbations {
    let seeds: TangentSeeds
    private let taps: [Tap]
    private var buffers: [Workspace]

    init(_ network: Network) {
        seeds = TangentSeeds(network)
        taps = network.taps
        buffers = Array(repeating: Workspace(), count: network.taps.count)
    }

    /// u_l of the last draw (or as set by a caller), for tap l at l − 1.
    func callAsFunction(_ tap: Tap) -> Tensor { seeds.taps[tap.index - 1]! }

    /// Fresh draws for a batch of `batch`, tap after tap from the input up.
    mutating func draw(batch: Int, rng: inout Random) {
        for tap in taps {
            let u = buffers[tap.index - 1].tensor([batch] + tap.inputShape)
            rng.fillNormal(u)
            seeds.taps[tap.index - 1] = u
        }
    }

    /// Throws unless every tap has a perturbation for a batch of `batch` (when a caller sets them).
    func check(batch: Int) throws {
        for tap in taps where seeds.taps[tap.index - 1]?.shape != [batch] + tap.inputShape {
            throw RuleError("\(tap.description): set a perturbation of shape \([batch] + tap.inputShape) before the step")
        }
    }
}
