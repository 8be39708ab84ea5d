/// The directions a tangent pass starts from besides the input's: one per parameter (FG-W's
/// perturbation v, a `jvp` over parameters) and one per tap (FDFA's and FG-A's perturbations u_l).
/// A nil direction is zero. Whoever runs the pass owns them (a rule, a measurement) and passes them
/// to `Network.tangent(_:seeds:)`; no layer keeps them.
public final class TangentSeeds {
    /// Per layer of the network, its parameters' directions in `Layer.parameters` order (empty: zero).
    public let layers: [[Tensor?]]
    /// Per tap (tap l at l − 1), u_l shaped batch × tap shape; set before each pass.
    public var taps: [Tensor?]

    /// Directions `parameters` (in `Network.parameters` order, or empty for none) and no tap
    /// perturbations.
    public init(_ network: Network, parameters: [Tensor?] = []) {
        precondition(parameters.isEmpty || parameters.count == network.parameters.count,
                     "a direction needs one tensor per parameter")
        var next = 0
        layers = network.layers.map { layer in
            guard !parameters.isEmpty else { return [] }
            defer { next += layer.parameters.count }
            return Array(parameters[next ..< next + layer.parameters.count])
        }
        taps = Array(repeating: nil, count: network.taps.count)
    }
}
