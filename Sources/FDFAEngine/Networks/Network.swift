/// A network: a stack of layers built from specs for a per-sample input shape, ending in the logits.
///
/// The last layer must be a Linear: it is the output layer, which every learning rule trains with its
/// true gradient. Taps mark the hidden layers' outputs where feedback rules inject their signals.
public final class Network {
    public let inputShape: [Int]
    public let specs: [LayerSpec]
    public let layers: [Layer]
    public let taps: [Tap]

    /// A spec that cannot be built on the shape that reaches it.
    public struct BuildError: Error, CustomStringConvertible {
        public let layerIndex: Int
        public let spec: LayerSpec
        public let inputShape: [Int]
        public let reason: String
        public var description: String {
            "layer \(layerIndex + 1) (\(spec)) on input \(format(inputShape)): \(reason)"
        }
    }

    /// Builds the layers in order, each on the shape the previous one produces, drawing the
    /// initial parameters from a generator seeded with `seed`.
    public init(inputShape: [Int], specs: [LayerSpec], seed: UInt64) throws {
        var rng = Random(seed: seed)
        var shape = inputShape
        var layers: [Layer] = []
        var taps: [Tap] = []
        for (i, spec) in specs.enumerated() {
            do {
                if spec == .tap, layers.last is Tap {
                    throw ShapeError("a tap directly after a tap: the segment between them would have no layers, so the lower tap's signal would reach nothing")
                }
                let layer = try spec.build(input: shape, tapIndex: taps.count + 1, rng: &rng)
                if let tap = layer as? Tap { taps.append(tap) }
                layers.append(layer)
                shape = layer.outputShape
            } catch let error as ShapeError {
                throw BuildError(layerIndex: i, spec: spec, inputShape: shape, reason: error.message)
            }
        }
        guard layers.last is Linear else {
            throw BuildError(
                layerIndex: max(specs.count - 1, 0), spec: specs.last ?? .flatten, inputShape: shape,
                reason: "a network must end in a linear output layer (the logits)")
        }
        self.inputShape = inputShape
        self.specs = specs
        self.layers = layers
        self.taps = taps
        fusedPairs = layers.indices.map { i in
            guard i + 1 < layers.count, let norm = layers[i] as? BatchNorm, let relu = layers[i + 1] as? ReLU else { return nil }
            return BatchNormReLU(norm: norm, relu: relu)
        }
        gradientNeeded = Self.gradientNeeds(layers, tapsReplaceIt: false)
        gradientNeededWithSignals = Self.gradientNeeds(layers, tapsReplaceIt: true)
    }

    /// The output layer (the last Linear).
    public var outputLayer: Linear { layers.last as! Linear }
    public var classes: Int { outputLayer.outputs }
    /// Tap `l`, numbered from 1 nearest the input as `Tap.index` is; nil when there is no such tap.
    public func tap(_ l: Int) -> Tap? { taps.indices.contains(l - 1) ? taps[l - 1] : nil }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The logits for a batch shaped [B] + inputShape.
    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == inputShape.count + 1 && x.shape.dropFirst().elementsEqual(inputShape),
                     "input \(format(Array(x.shape.dropFirst()))) does not match the network's \(format(inputShape))")
        var h = x, i = 0
        while i < layers.count {
            if let pair = fusedPairs[i] {
                h = pair.forward(h, mode: mode)
                i += 2
            } else {
                h = layers[i].forward(h, mode: mode)
                i += 1
            }
        }
        return h
    }

    /// The tangent of the logits at the last forward's point, for an input tangent `dx` (nil: zero)
    /// and the parameters' directions and taps' perturbations in `seeds` (nil: none). `nil` when
    /// every tangent is zero.
    public func tangent(_ dx: Tensor? = nil, seeds: TangentSeeds? = nil) -> Tensor? {
        var t = dx, i = 0
        while i < layers.count {
            if let pair = fusedPairs[i] {
                t = pair.tangent(t, along: seeds?.layers[i] ?? [])
                i += 2
                continue
            }
            if let tap = layers[i] as? Tap {
                t = tap.tangent(t, adding: seeds?.taps[tap.index - 1])
            } else {
                t = layers[i].tangent(t, along: seeds?.layers[i] ?? [])
            }
            i += 1
        }
        return t
    }

    /// Ordinary backpropagation of dL/dlogits through every layer (taps are identities), filling
    /// every parameter's gradient. `atTap` sees the true dL/dh_l arriving at each tap (a buffer that
    /// is reused: copy it to keep it). Returns dL/dx of the input only when asked.
    @discardableResult
    public func backpropagate(_ error: Tensor, inputGradient: Bool = false,
                              atTap: (Tap, Tensor) -> Void = { _, _ in }) -> Tensor? {
        backward(layers.indices, from: error, tapsReplaceIt: false, inputGradient: inputGradient, atTap: atTap)
    }

    /// The adjoints of the layers in `range`, from the top down, starting from `dy`: each layer is
    /// asked for its input gradient where `needsGradient(below:tapsReplaceIt:)` (or `inputGradient`)
    /// says so, and the pass stops where none is returned (nothing below needs one). Returns the
    /// gradient at the bottom of the range. `atTap` sees what reaches each tap.
    func backward(_ range: Range<Int>, from dy: Tensor, tapsReplaceIt: Bool, inputGradient: Bool = false,
                  atTap: (Tap, Tensor) -> Void = { _, _ in }) -> Tensor? {
        var g: Tensor? = dy, i = range.upperBound
        while i > range.lowerBound, let dy = g {
            if i - 2 >= range.lowerBound, let pair = fusedPairs[i - 2] {
                i -= 2
                g = pair.adjoint(dy, needInputGradient: needsGradient(below: i, tapsReplaceIt: tapsReplaceIt) || inputGradient)
                continue
            }
            i -= 1
            if let tap = layers[i] as? Tap { atTap(tap, dy) }
            g = layers[i].adjoint(dy, needInputGradient: needsGradient(below: i, tapsReplaceIt: tapsReplaceIt) || inputGradient)
        }
        return g
    }

    /// Whether a backward pass needs the gradient at the input of layer `i`: only if a layer below
    /// has parameters, or is a tap whose gradient someone reads (`tapsReplaceIt` false) — so the first
    /// Linear of a network never computes dL/dx of the images, a GEMM as large as its forward one.
    /// When rules replace the gradient at taps (`tapsReplaceIt`), a tap below ends the need.
    public func needsGradient(below i: Int, tapsReplaceIt: Bool) -> Bool {
        tapsReplaceIt ? gradientNeededWithSignals[i] : gradientNeeded[i]
    }

    /// At the index of every BatchNorm directly followed by a ReLU, the pair: the passes above run
    /// it as one (`BatchNormReLU`), with the same numbers as its two layers apart.
    let fusedPairs: [BatchNormReLU?]

    /// `needsGradient` for every layer, worked out once (a step must not build arrays).
    private let gradientNeeded: [Bool], gradientNeededWithSignals: [Bool]

    private static func gradientNeeds(_ layers: [Layer], tapsReplaceIt: Bool) -> [Bool] {
        var needs: [Bool] = []
        var need = false   // for the layer above the one being looked at
        for layer in layers {
            needs.append(need)
            if layer is Tap { need = !tapsReplaceIt } else if !layer.parameters.isEmpty { need = true }
        }
        return needs
    }
}
