/// A 2-d convolution (cross-correlation, as PyTorch's) with bias: W of shape [outputs, inputs, k, k],
/// input [B, C, H, W], output [B, outputs, H', W'].
///
/// With cols(x) the im2col matrix of the input (one column per output pixel, one row per
/// (channel, kernel row, kernel column)), the layer is a Linear map per output pixel:
///
/// Forward:  y  = W · cols(x) + b
/// Tangent:  dy = W · cols(dx) + dW · cols(x) + db     (dW, db: the parameters' tangents, when set)
/// Adjoint:  dW = Σ dy · cols(x)ᵀ,  db = Σ dy,  dx = col2im(Wᵀ · dy)
///
/// How it runs: the columns of a chunk of samples sit side by side in one wide matrix
/// (patch × samples·pixels), so each map is one GEMM split over fdfa's threads, rather than one
/// small GEMM per sample. The GEMM result is laid out channel-major ([outputs, samples·pixels]) and
/// is transposed into the batch-major tensor. A chunk holds as many samples as fit in
/// `columnBudget` floats (4 MiB by default, so the columns stay in cache between im2col and GEMM):
/// on the shallow CNN at batch 64 (2 cores) chunks of ~6 samples measured faster than one chunk
/// for the whole batch (38 MB of columns, memory bound) and than single samples (small GEMMs),
/// even though the tangent and adjoint then rebuild the columns. When a batch fits one chunk the
/// forward's columns are kept and reused instead.
public final class Conv2d: Layer {
    public let outputs: Int
    public let weight: Parameter
    public let bias: Parameter
    let geometry: WindowGeometry

    /// Most floats one column matrix may hold (at least one sample's, whatever the budget).
    let columnBudget: Int

    private var input: Tensor?
    private var output = Workspace()
    private var outputTangent = Workspace()
    private var inputGradient = Workspace()
    /// cols(x) of the current chunk.
    private var columns = Workspace()
    /// cols(dx) in the tangent, Wᵀ·dy in the adjoint.
    private var scratch = Workspace()
    /// A map's result (or dy) in the GEMM's channel-major layout, [outputs, samples·pixels].
    private var product = Workspace()
    /// Whether `columns` holds cols(x) of the whole last batch (it fitted one chunk).
    private var columnsHoldBatch = false

    /// PyTorch's default initialisation: W and b uniform in ±1/sqrt(inputs·k·k).
    init(geometry: WindowGeometry, outputs: Int, columnBudget: Int = 1 << 20, rng: inout Random) {
        self.geometry = geometry
        self.outputs = outputs
        self.columnBudget = columnBudget
        let bound = 1 / Float(geometry.patchSize).squareRoot()
        let w = Tensor(zeros: [outputs, geometry.channels, geometry.kernel, geometry.kernel])
        let b = Tensor(zeros: [outputs])
        rng.fillUniform(w, low: -bound, high: bound)
        rng.fillUniform(b, low: -bound, high: bound)
        weight = Parameter("weight", w)
        bias = Parameter("bias", b)
    }

    /// A convolution over `input` (C×H×W); throws a `ShapeError` when the kernel does not fit.
    public convenience init(
        input: [Int], outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0, rng: inout Random
    ) throws {
        let g = try WindowGeometry(image: input, kernel: kernel, stride: stride, padding: padding)
        guard outputs > 0 else { throw ShapeError("needs at least one output channel, got \(outputs)") }
        self.init(geometry: g, outputs: outputs, rng: &rng)
    }

    public var description: String {
        let g = geometry
        var s = "Conv2d(\(g.channels) → \(outputs), k\(g.kernel)"
        if g.stride != 1 { s += ", s\(g.stride)" }
        if g.padding != 0 { s += ", p\(g.padding)" }
        return s + ")"
    }
    public var inputShape: [Int] { [geometry.channels, geometry.height, geometry.width] }
    public var outputShape: [Int] { [outputs, geometry.outputHeight, geometry.outputWidth] }
    public var parameters: [Parameter] { [weight, bias] }
    public var multiplyAdds: Int { outputs * geometry.patchSize * geometry.outputArea }

    /// Samples per chunk for a batch of `batch`.
    private func chunkSize(_ batch: Int) -> Int {
        let perSample = geometry.patchSize * geometry.outputArea
        return max(1, min(batch, columnBudget / max(perSample, 1)))
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        input = x
        let batch = x.batch, chunk = chunkSize(batch)
        let y = output.tensor([batch] + outputShape)
        let cols = columns.tensor([geometry.patchSize, chunk * geometry.outputArea])
        let prod = product.tensor([outputs, chunk * geometry.outputArea])
        for start in stride(from: 0, to: batch, by: chunk) {
            let n = min(chunk, batch - start), width = n * geometry.outputArea
            gatherColumns(x.data, samples: start ..< start + n, into: cols.data)
            BLAS.gemm(weight.value.data, cols.data, into: prod.data, m: outputs, n: width, k: geometry.patchSize)
            scatterChannels(prod.data, into: y.data, samples: start ..< start + n, adding: bias.value.data)
        }
        columnsHoldBatch = chunk >= batch
        return y
    }

    public func tangent(_ dx: Tensor?) -> Tensor? {
        let x = input!
        let dW = weight.tangent, db = bias.tangent
        guard dx != nil || dW != nil || db != nil else { return nil }
        let batch = x.batch, chunk = chunkSize(batch)
        let dy = outputTangent.tensor([batch] + outputShape)
        let prod = product.tensor([outputs, chunk * geometry.outputArea])
        let dcols = dx.map { _ in scratch.tensor([geometry.patchSize, chunk * geometry.outputArea]) }
        for start in stride(from: 0, to: batch, by: chunk) {
            let n = min(chunk, batch - start), width = n * geometry.outputArea
            var beta: Float = 0
            if let dx, let dcols {
                gatherColumns(dx.data, samples: start ..< start + n, into: dcols.data)
                BLAS.gemm(weight.value.data, dcols.data, into: prod.data, m: outputs, n: width, k: geometry.patchSize)
                beta = 1
            }
            if let dW {
                let cols = columnsOfInput(start ..< start + n, chunk: chunk)
                BLAS.gemm(dW.data, cols, into: prod.data, m: outputs, n: width, k: geometry.patchSize, beta: beta)
                beta = 1
            }
            if beta == 0 { prod.data.update(repeating: 0, count: outputs * width) }
            scatterChannels(prod.data, into: dy.data, samples: start ..< start + n, adding: db?.data)
        }
        return dy
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        let x = input!
        let batch = x.batch, chunk = chunkSize(batch), area = geometry.outputArea
        let prod = product.tensor([outputs, chunk * area])
        let dcols = needInputGradient ? scratch.tensor([geometry.patchSize, chunk * area]) : nil
        let dx = needInputGradient ? inputGradient.tensor(x.shape) : nil
        let gb = bias.grad.data
        gb.update(repeating: 0, count: outputs)
        for start in stride(from: 0, to: batch, by: chunk) {
            let n = min(chunk, batch - start), width = n * area
            gatherChannels(dy.data, samples: start ..< start + n, into: prod.data)
            for o in 0 ..< outputs {
                let row = prod.data + o * width
                var s: Float = 0
                for i in 0 ..< width { s += row[i] }
                gb[o] += s
            }
            let cols = columnsOfInput(start ..< start + n, chunk: chunk)
            BLAS.gemm(prod.data, cols, transposeB: true, into: weight.grad.data,
                      m: outputs, n: geometry.patchSize, k: width, beta: start == 0 ? 0 : 1)
            if let dx, let dcols {
                BLAS.gemm(weight.value.data, transposeA: true, prod.data, into: dcols.data,
                          m: geometry.patchSize, n: width, k: outputs)
                scatterColumns(dcols.data, samples: start ..< start + n, into: dx.data)
            }
        }
        return dx
    }

    // MARK: Layout moves (each parallel over the samples of a chunk)

    /// cols(x) for a chunk: the forward's columns when they cover the batch, else rebuilt.
    private func columnsOfInput(_ samples: Range<Int>, chunk: Int) -> UnsafeMutablePointer<Float> {
        let cols = columns.tensor([geometry.patchSize, chunk * geometry.outputArea])
        if !columnsHoldBatch { gatherColumns(input!.data, samples: samples, into: cols.data) }
        return cols.data
    }

    /// im2col of samples `samples` of `x`, side by side: [patch, samples·pixels].
    private func gatherColumns(_ x: UnsafePointer<Float>, samples: Range<Int>, into cols: UnsafeMutablePointer<Float>) {
        let g = geometry, ld = samples.count * g.outputArea, first = samples.lowerBound
        parallelFor(samples.count) { range in
            for i in range { im2col(x + (first + i) * g.inputCount, g, into: cols + i * g.outputArea, ld: ld) }
        }
    }

    /// col2im of a chunk's columns into the matching samples of `dx` (zeroed here first).
    private func scatterColumns(_ cols: UnsafePointer<Float>, samples: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let g = geometry, ld = samples.count * g.outputArea, first = samples.lowerBound
        parallelFor(samples.count) { range in
            for i in range {
                let sample = dx + (first + i) * g.inputCount
                sample.update(repeating: 0, count: g.inputCount)
                col2im(cols + i * g.outputArea, ld: ld, g, into: sample)
            }
        }
    }

    /// [outputs, samples·pixels] → y[samples] as [outputs, pixels] each, plus a per-channel vector.
    private func scatterChannels(
        _ prod: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, samples: Range<Int>,
        adding perChannel: UnsafePointer<Float>?
    ) {
        let area = geometry.outputArea, o = outputs, ld = samples.count * area, first = samples.lowerBound
        parallelFor(samples.count) { range in
            for i in range {
                let sample = y + (first + i) * o * area
                for c in 0 ..< o {
                    let src = prod + c * ld + i * area, dst = sample + c * area
                    let add = perChannel?[c] ?? 0
                    for p in 0 ..< area { dst[p] = src[p] + add }
                }
            }
        }
    }

    /// y[samples] ([outputs, pixels] each) → [outputs, samples·pixels]: the inverse move.
    private func gatherChannels(_ y: UnsafePointer<Float>, samples: Range<Int>, into prod: UnsafeMutablePointer<Float>) {
        let area = geometry.outputArea, o = outputs, ld = samples.count * area, first = samples.lowerBound
        parallelFor(samples.count) { range in
            for i in range {
                let sample = y + (first + i) * o * area
                for c in 0 ..< o { (prod + c * ld + i * area).update(from: sample + c * area, count: area) }
            }
        }
    }
}
