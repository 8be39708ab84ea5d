import FDFAEngine

/// `fdfa bench --layers`: where a step's time goes, layer by layer. Each layer's three maps are
/// timed alone, in a network's order, on the activations of a forward pass of random inputs:
/// - forward: y = f(x) in training mode (batch statistics, running estimates left as they are);
/// - tangent: the JVP along a random input tangent dx (parameters held fixed);
/// - adjoint: the VJP of a random output gradient dy, with the parameters' gradients, and the
///   input gradient where backpropagation asks for it (not below the first layer with parameters:
///   no step computes dL/dx of the images).
/// A rule's step runs these maps with other tangents (FDFA's start at the taps, FG-W's carry
/// parameter directions), so the profile shows the layers' costs, not one rule's step.
public struct LayerProfile {
    public struct Row {
        /// The layer's number, from 1 (as `info` and `net.layer(i)` number them).
        public let index: Int
        public let layer: String
        /// Median milliseconds of the three maps.
        public let forward: Double, tangent: Double, adjoint: Double
        /// FLOPs of the forward map's products for the batch (2 · multiply-adds · batch); the tangent
        /// makes as many, the adjoint twice as many (once without the input gradient).
        public let forwardFlops: Double
        public let adjointFlops: Double

        /// One JSON object (a line of `fdfa bench --layers --json`).
        func json(_ c: Benchmark.Case) -> String {
            String(format: #"{"arch":"%@","rule":"%@","batch":%d,"layer":%d,"name":"%@","forward_ms":%.4f,"tangent_ms":%.4f,"adjoint_ms":%.4f,"forward_flops":%.0f,"adjoint_flops":%.0f}"#,
                   c.arch, c.rule.rawValue, c.batch, index, layer, forward, tangent, adjoint, forwardFlops, adjointFlops)
        }
    }

    public let rows: [Row]

    /// Times every layer of `net` at `batch`: `repeats` calls of each map after `warmup` untimed ones.
    /// Parameters and running estimates are left as they are; the parameters' gradients are not.
    public init(_ net: Network, batch: Int, warmup: Int = 5, repeats: Int = 30) {
        var rng = Random(seed: 2)
        var x = Tensor(zeros: [batch] + net.inputShape)
        rng.fillNormal(x)
        var rows: [Row] = []
        for (i, layer) in net.layers.enumerated() {
            let dx = Tensor(zeros: x.shape), dy = Tensor(zeros: [batch] + layer.outputShape)
            rng.fillNormal(dx)
            rng.fillNormal(dy)
            let mode = Mode.training(updateStatistics: false)
            func median(_ body: () -> Void) -> Double {
                for _ in 0 ..< warmup { body() }
                return Benchmark.median((0 ..< max(repeats, 1)).map { _ in Benchmark.milliseconds(body) })
            }
            let forward = median { _ = layer.forward(x, mode: mode) }
            // The other maps run at the point of the last forward, which is also the input of the next layer.
            let y = layer.forward(x, mode: mode)
            let tangent = median { _ = layer.tangent(dx) }
            let inputGradient = net.needsGradient(below: i, tapsReplaceIt: false)
            let adjoint = median { _ = layer.adjoint(dy, needInputGradient: inputGradient) }
            let flops = 2 * Double(layer.multiplyAdds) * Double(batch)
            rows.append(Row(index: i + 1, layer: layer.description, forward: forward, tangent: tangent, adjoint: adjoint,
                            forwardFlops: flops, adjointFlops: inputGradient ? 2 * flops : flops))
            x = y
        }
        self.rows = rows
    }

    /// The table `fdfa bench --layers` prints under a case's row: each map's milliseconds, and for
    /// layers with products the rate its time amounts to against the machine's peak.
    public func table(peakFlopsPerSecond peak: Double) -> [String] {
        let names = rows.map { "\($0.index) \($0.layer)" }, width = max(names.map(\.count).max() ?? 0, 5) + 1
        var lines = ["      " + "layer".padding(toLength: width, withPad: " ", startingAt: 0)
            + "forward ms  tangent ms  adjoint ms   MFLOP  fwd/peak  tan/peak  adj/peak"]
        for (r, name) in zip(rows, names) {
            func ofPeak(_ flops: Double, _ ms: Double) -> String {
                flops == 0 ? "        -" : String(format: " %8.2f", ms / (flops / peak * 1e3))
            }
            let name = name.padding(toLength: width - 1, withPad: " ", startingAt: 0)
            lines.append("      " + name + String(format: " %11.3f %11.3f %11.3f %7.1f", r.forward, r.tangent, r.adjoint,
                                                  r.forwardFlops / 1e6)
                + ofPeak(r.forwardFlops, r.forward) + " " + ofPeak(r.forwardFlops, r.tangent) + " "
                + ofPeak(r.adjointFlops, r.adjoint))
        }
        let total = rows.reduce(0) { $0 + $1.forward + $1.tangent + $1.adjoint }
        lines.append(String(format: "      all layers' maps %.2f ms", total))
        return lines
    }

    public func json(_ c: Benchmark.Case) -> [String] { rows.map { $0.json(c) } }
}
