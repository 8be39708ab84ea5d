import CKernels

/// A 2-d convolution (cross-correlation, as PyTorch's) with bias: W of shape [outputs, inputs, k, k],
/// input [B, C, H, W], output [B, outputs, H', W'].
///
/// With cols(x) the im2col matrix of the input (one column per output pixel, one row per
/// (channel, kernel row, kernel column)), the layer is a Linear map per output pixel:
///
/// Forward:  y  = W · cols(x) + b
/// Tangent:  dy = W · cols(dx) + dW · cols(x) + db     (dW, db: the directions given for the parameters)
/// Adjoint:  dW = Σ dy · cols(x)ᵀ,  db = Σ dy,  dx = col2im(Wᵀ · dy)
///
/// How it runs: the batch is cut into `sampleBlocks` contiguous blocks of samples, which fdfa's
/// threads claim. A thread builds one sample's columns at a time into its own buffer and
/// multiplies them at once with a single-threaded GEMM, so the columns (600 KB for the shallow
/// CNN's second convolution) stay in the core's cache, and W · cols(x_s) lands in y_s's own layout
/// with nothing to reshuffle. Each block adds up its own share of dW and db; the shares are then
/// added in block order, so the numbers do not depend on the number of threads. (This replaced
/// chunks of several samples' columns side by side in one GEMM split over the threads: on the
/// shallow CNN at batch 64 the FDFA step went from 46–58 to 40–46 ms and BP's from 41–52 to 36–38,
/// side by side in `fdfa bench`.)
public final class Conv2d: Layer {
    public let outputs: Int
    public let weight: Parameter
    public let bias: Parameter
    let geometry: WindowGeometry
    /// `geometry.validColumnBounds`, for im2col.
    private let validColumns: [Int]

    private var input: Tensor?
    private var output = Workspace()
    private var outputTangent = Workspace()
    private var inputGradient = Workspace()
    /// Two column buffers (one sample's) per thread.
    private var columns = Workspace()
    /// Each block's share of the weight and bias gradients.
    private var blockGradients = Workspace()
    /// Blocks a batch is cut into (fixed, so that the gradients' sums do not depend on the threads).
    static let sampleBlocks = 16

    /// PyTorch's default initialisation: W and b uniform in ±1/sqrt(inputs·k·k).
    init(geometry: WindowGeometry, outputs: Int, rng: inout Random) {
        self.geometry = geometry
        self.outputs = outputs
        validColumns = geometry.validColumnBounds
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

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        input = x
        let y = output.tensor([x.batch] + outputShape)
        let g = geometry, o = outputs, area = g.outputArea, w = weight.value.data, b = bias.value.data
        forEachBlock(x.batch) { samples, _, cols, _ in
            for s in samples {
                let ys = y.data + s * o * area
                im2col(x.data + s * g.inputCount, g, valid: validColumns, into: cols)
                BLAS.gemm(w, cols, into: ys, m: o, n: area, k: g.patchSize, splitOverThreads: false)
                addPerChannel(b, to: ys)
            }
        }
        return y
    }

    public func tangent(_ dx: Tensor?, along directions: [Tensor?]) -> Tensor? {
        let x = input!
        let dW = directions.direction(0), db = directions.direction(1)
        guard dx != nil || dW != nil || db != nil else { return nil }
        let dy = outputTangent.tensor([x.batch] + outputShape)
        let g = geometry, o = outputs, area = g.outputArea, w = weight.value.data
        forEachBlock(x.batch) { samples, _, cols, spare in
            for s in samples {
                let dys = dy.data + s * o * area
                var beta: Float = 0
                if let dx {
                    im2col(dx.data + s * g.inputCount, g, valid: validColumns, into: cols)
                    BLAS.gemm(w, cols, into: dys, m: o, n: area, k: g.patchSize, splitOverThreads: false)
                    beta = 1
                }
                if let dW {
                    im2col(x.data + s * g.inputCount, g, valid: validColumns, into: spare)
                    BLAS.gemm(dW.data, spare, into: dys, m: o, n: area, k: g.patchSize, beta: beta, splitOverThreads: false)
                    beta = 1
                }
                if beta == 0 { dys.update(repeating: 0, count: o * area) }
                if let db { addPerChannel(db.data, to: dys) }
            }
        }
        return dy
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        let x = input!
        let g = geometry, o = outputs, area = g.outputArea, patch = g.patchSize, w = weight.value.data
        let dx = needInputGradient ? inputGradient.tensor(x.shape) : nil
        let blocks = blockCount(x.batch), shareSize = o * patch + o
        let shares = blockGradients.tensor([blocks, shareSize]).data
        forEachBlock(x.batch) { samples, block, cols, spare in
            let gw = shares + block * shareSize, gb = gw + o * patch
            gb.update(repeating: 0, count: o)
            for s in samples {
                let dys = dy.data + s * o * area
                im2col(x.data + s * g.inputCount, g, valid: validColumns, into: cols)
                BLAS.gemm(dys, cols, transposeB: true, into: gw, m: o, n: patch, k: area,
                          beta: s == samples.lowerBound ? 0 : 1, splitOverThreads: false)
                for c in 0 ..< o { gb[c] += fdfa_plane_sum(dys + c * area, area) }
                if let dx {
                    BLAS.gemm(w, transposeA: true, dys, into: spare, m: patch, n: area, k: o, splitOverThreads: false)
                    let sample = dx.data + s * g.inputCount
                    sample.update(repeating: 0, count: g.inputCount)
                    col2im(spare, g, into: sample)
                }
            }
        }
        // The blocks' shares, added in block order: the same sums whatever thread ran which block.
        let grad = weight.grad.data, biasGrad = bias.grad.data
        grad.update(from: shares, count: o * patch)
        biasGrad.update(from: shares + o * patch, count: o)
        for block in 1 ..< blocks {
            let share = shares + block * shareSize
            BLAS.axpy(1, share, grad, count: o * patch)
            BLAS.axpy(1, share + o * patch, biasGrad, count: o)
        }
        return dx
    }

    // MARK: Blocks of samples

    /// How many blocks a batch is cut into: at most `sampleBlocks`, at least one sample each.
    private func blockCount(_ batch: Int) -> Int { max(1, min(batch, Self.sampleBlocks)) }

    /// Runs `body` once per block of samples, blocks spread over fdfa's threads, with the two
    /// column buffers (patch × pixels, one sample's) of the thread that runs the block.
    private func forEachBlock(
        _ batch: Int,
        _ body: (_ samples: Range<Int>, _ block: Int, _ cols: UnsafeMutablePointer<Float>, _ spare: UnsafeMutablePointer<Float>) -> Void
    ) {
        let blocks = blockCount(batch), size = geometry.patchSize * geometry.outputArea
        let buffers = columns.tensor([Threads.count, 2, size]).data
        parallelParts(blocks) { block, blocks in
            let cols = buffers + Threads.current * 2 * size
            body(chunk(block, of: blocks, count: batch), block, cols, cols + size)
        }
    }

    /// y[c, :] += v[c] for one sample's [outputs, pixels].
    private func addPerChannel(_ v: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>) {
        let area = geometry.outputArea
        for c in 0 ..< outputs {
            let row = y + c * area, add = v[c]
            for p in 0 ..< area { row[p] += add }
        }
    }
}
