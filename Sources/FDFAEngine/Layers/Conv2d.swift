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
/// How it runs: on oneDNN's convolution primitives when `BLAS.library` is oneDNN (forward,
/// backward-data, backward-weights; ConvolutionPrimitives.swift; Winograd's algorithm for 3×3
/// kernels of stride 1 where oneDNN has it), otherwise on the reference below: im2col and one
/// GEMM per sample, on the same library as every other product. Both cut the batch into a fixed
/// number of contiguous blocks of samples, which fdfa's threads claim. The reference handles one
/// sample at a time, so the sample's operands stay in the core's cache: a thread builds a sample's
/// columns into its own buffer and W · cols(x_s) lands in y_s's own layout with nothing to
/// reshuffle. The primitives take a block's samples in calls of up to `samplesPerCall`: Winograd's
/// algorithm transforms the weights on every call, and pays only when a call has several samples
/// (AlexNet's BP step measured 1.18 s with eight a call, 2.15 s with one, 1.52 s on the direct
/// kernels, which do not care). Each block adds up its own share of dW and db; the shares are then
/// added in block order, so the numbers do not depend on the number of threads.
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
    /// Each thread's weight and bias gradients of one call (the oneDNN path).
    private var callGradients = Workspace()
    /// oneDNN's primitives by samples per call, made on the first step that needs that size (and
    /// again if the threads change); nil where oneDNN cannot make them, and the layer runs the reference.
    private var primitives: [Int: ConvolutionPrimitives?] = [:]
    /// The thread count `primitives` were made (or refused) for; 0 before the first try.
    private var primitivesThreads = 0
    /// Whether the last batch ran on oneDNN's primitives (for the tests).
    private(set) var runsOnPrimitives = false
    /// Whether those primitives run Winograd's algorithm (for the tests).
    var runsWinograd: Bool { runsOnPrimitives && primitives.values.contains { $0?.isWinograd == true } }
    /// Blocks a batch is cut into on the reference (fixed, so that the gradients' sums do not depend
    /// on the threads).
    static let sampleBlocks = 16
    /// Blocks on the primitives: fewer and larger, so that a call has several samples (a batch of
    /// 64 makes eight calls of eight).
    static let primitiveBlocks = 8
    /// The most samples one call of the primitives takes (their buffers grow with it).
    static let samplesPerCall = 8

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
        if onPrimitives(x.batch) {
            recordProducts(x.batch, [(false, false)])
            setWeights(.layer, weight.value.data, batch: x.batch)
            let g = geometry, b = bias.value.data, count = outputs * g.outputArea
            forEachCall(x.batch) { samples, _, _, p in
                p.forward(x.data + samples.lowerBound * g.inputCount, .layer, bias: b, into: y.data + samples.lowerBound * count)
            }
            return y
        }
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
        if dx != nil || dW != nil, onPrimitives(x.batch) {
            recordProducts(x.batch, Array(repeating: (false, false), count: (dx == nil ? 0 : 1) + (dW == nil ? 0 : 1)))
            tangentOnPrimitives(x: x, dx: dx, dW: dW, db: db, into: dy)
            return dy
        }
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
        let o = outputs, patch = geometry.patchSize
        let dx = needInputGradient ? inputGradient.tensor(x.shape) : nil
        let primitive = onPrimitives(x.batch)
        let blocks = blockCount(x.batch, onPrimitives: primitive), shareSize = o * patch + o
        let shares = blockGradients.tensor([blocks, shareSize]).data
        if primitive {
            recordProducts(x.batch, [(false, true)] + (dx == nil ? [] : [(true, false)]))
            adjointOnPrimitives(x: x, dy: dy, dx: dx, shares: shares)
        } else {
            adjointOnColumns(x: x, dy: dy, dx: dx, shares: shares)
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

    /// The reference adjoint: each block's dW and db into its share of `shares`, dx by col2im.
    private func adjointOnColumns(x: Tensor, dy: Tensor, dx: Tensor?, shares: UnsafeMutablePointer<Float>) {
        let g = geometry, o = outputs, area = g.outputArea, patch = g.patchSize, w = weight.value.data
        let shareSize = o * patch + o
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
    }

    // MARK: On oneDNN's primitives

    /// Whether this batch runs on oneDNN: products run there and the layer has (or can now make)
    /// the primitives for every call size the batch is cut into.
    private func onPrimitives(_ batch: Int) -> Bool {
        runsOnPrimitives = false
        guard BLAS.library == .onednn else { return false }
        if primitivesThreads != Threads.count {
            primitives = [:]
            primitivesThreads = Threads.count
        }
        var made = true
        forEachCallSize(batch) { samples in
            if primitives[samples] == nil {
                primitives[samples] = ConvolutionPrimitives(geometry, outputs: outputs, samples: samples, threads: Threads.count)
            }
            made = made && primitives[samples]! != nil
        }
        runsOnPrimitives = made
        return made
    }

    /// Brings weights (or a direction) into the layouts of the primitives this batch uses.
    private func setWeights(_ which: ConvolutionPrimitives.Weights, _ w: UnsafePointer<Float>, batch: Int) {
        forEachCallSize(batch) { primitives[$0]!!.setWeights(which, w) }
    }

    /// dy = conv(dx, W) + conv(x, dW) + db, the terms whose directions are given (dx or dW is).
    private func tangentOnPrimitives(x: Tensor, dx: Tensor?, dW: Tensor?, db: Tensor?, into dy: Tensor) {
        if dx != nil { setWeights(.layer, weight.value.data, batch: x.batch) }
        if let dW { setWeights(.direction, dW.data, batch: x.batch) }
        let g = geometry, count = outputs * g.outputArea, bias = db.map { UnsafePointer($0.data) }
        forEachCall(x.batch) { samples, _, _, p in
            let s = samples.lowerBound, xs = x.data + s * g.inputCount, ys = dy.data + s * count
            if let dx {
                p.forward(dx.data + s * g.inputCount, .layer, plus: dW == nil ? nil : xs, .direction, bias: bias, into: ys)
            } else {
                p.forward(xs, .direction, bias: bias, into: ys)
            }
        }
    }

    /// The adjoint on the primitives: each block's dW and db into its share, dx by backward-data.
    private func adjointOnPrimitives(x: Tensor, dy: Tensor, dx: Tensor?, shares: UnsafeMutablePointer<Float>) {
        if dx != nil { setWeights(.layer, weight.value.data, batch: x.batch) }
        let g = geometry, o = outputs, count = o * g.outputArea, weights = o * g.patchSize, shareSize = weights + o
        let callShares = callGradients.tensor([Threads.count, shareSize]).data
        forEachCall(x.batch) { samples, block, first, p in
            let s = samples.lowerBound, xs = x.data + s * g.inputCount, dys = dy.data + s * count
            // The block's first call writes its share; the others add theirs onto it.
            let share = shares + block * shareSize, mine = callShares + Threads.current * shareSize
            let into = first ? share : mine
            p.backwardWeights(xs, dys, into: into, into + weights)
            if !first { BLAS.axpy(1, mine, share, count: shareSize) }
            if let dx { p.backwardData(dys, into: dx.data + s * g.inputCount) }
        }
    }

    /// Reports the GEMMs the primitives' work amounts to (per sample, as the reference runs them) to
    /// `BLAS.recorder`, as the reference's own GEMMs report themselves: a step's FLOPs and the
    /// benchmark's library floor are counted from them.
    private func recordProducts(_ batch: Int, _ transposes: [(a: Bool, b: Bool)]) {
        guard let recorder = BLAS.recorder else { return }
        let g = geometry
        for (a, b) in transposes {
            let (m, n, k) = a ? (g.patchSize, g.outputArea, outputs)
                : b ? (outputs, g.patchSize, g.outputArea) : (outputs, g.outputArea, g.patchSize)
            for _ in 0 ..< batch {
                recorder(BLAS.GemmShape(transposeA: a, transposeB: b, m: m, n: n, k: k, sideBySide: true))
            }
        }
    }

    // MARK: Blocks of samples

    /// How many blocks a batch is cut into: at most `sampleBlocks` (`primitiveBlocks` on the
    /// primitives), at least one sample each.
    private func blockCount(_ batch: Int, onPrimitives: Bool) -> Int {
        max(1, min(batch, onPrimitives ? Self.primitiveBlocks : Self.sampleBlocks))
    }

    /// Runs `body` once per block of samples, blocks spread over fdfa's threads, with the two
    /// column buffers (patch × pixels, one sample's) of the thread that runs the block.
    private func forEachBlock(
        _ batch: Int,
        _ body: (_ samples: Range<Int>, _ block: Int, _ cols: UnsafeMutablePointer<Float>, _ spare: UnsafeMutablePointer<Float>) -> Void
    ) {
        let size = geometry.patchSize * geometry.outputArea
        let buffers = columns.tensor([Threads.count, 2, size]).data
        parallelParts(blockCount(batch, onPrimitives: false)) { block, blocks in
            let cols = buffers + Threads.current * 2 * size
            body(chunk(block, of: blocks, count: batch), block, cols, cols + size)
        }
    }

    /// Runs `body` once per call of the primitives: every block's samples cut into near-equal runs
    /// of at most `samplesPerCall`, blocks spread over fdfa's threads; `first` marks a block's first
    /// run, and `p` are the primitives made for the run's size.
    private func forEachCall(
        _ batch: Int, _ body: (_ samples: Range<Int>, _ block: Int, _ first: Bool, _ p: ConvolutionPrimitives) -> Void
    ) {
        parallelParts(blockCount(batch, onPrimitives: true)) { block, blocks in
            Self.forEachRun(of: chunk(block, of: blocks, count: batch)) { run, first in
                body(run, block, first, primitives[run.count]!!)
            }
        }
    }

    /// A block's samples cut into near-equal runs of at most `samplesPerCall`; `first` marks the first.
    private static func forEachRun(of samples: Range<Int>, _ body: (_ run: Range<Int>, _ first: Bool) -> Void) {
        let runs = (samples.count + samplesPerCall - 1) / samplesPerCall
        for run in 0 ..< runs {
            let part = chunk(run, of: runs, count: samples.count)
            body(samples.lowerBound + part.lowerBound ..< samples.lowerBound + part.upperBound, run == 0)
        }
    }

    /// Calls `body` once with every run size `forEachCall` cuts a batch into (sizes are at most
    /// `samplesPerCall`, so one bit each records the sizes already seen).
    private func forEachCallSize(_ batch: Int, _ body: (Int) -> Void) {
        let blocks = blockCount(batch, onPrimitives: true)
        var seen: UInt = 0
        for block in 0 ..< blocks {
            Self.forEachRun(of: chunk(block, of: blocks, count: batch)) { run, _ in
                guard seen & 1 << run.count == 0 else { return }
                seen |= 1 << run.count
                body(run.count)
            }
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
