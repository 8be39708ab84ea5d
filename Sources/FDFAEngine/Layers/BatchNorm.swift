import CKernels
import Foundation

/// Batch normalisation over features (input [B, F], PyTorch's BatchNorm1d) or channels (input
/// [B, C, H, W], BatchNorm2d, statistics over B·H·W). Both are the same layer on a [B, C, S] view
/// (S = 1 for features); `n` = B·S values per channel.
///
/// Forward:  x̂ = (x − μ) / σ,  y = γ x̂ + β
///           training: μ, σ² the batch mean and biased variance, σ = sqrt(σ² + ε); with
///             `updateStatistics`, running ← (1 − m) running + m · batch, using the unbiased
///             variance σ² · n / (n − 1) for the running variance (PyTorch's rule);
///           evaluation: μ, σ² the running estimates.
/// Tangent:  training: dx̂ = (dx − mean(dx) − x̂ · mean(dx ⊙ x̂)) / σ  (the batch statistics move
///             with x, so their derivative is part of the JVP);  evaluation: dx̂ = dx / σ.
///           dy = γ dx̂ + dγ x̂ + dβ               (dγ, dβ: the directions given for the parameters)
/// Adjoint:  dβ = Σ dy,  dγ = Σ dy ⊙ x̂;
///           training: dx = γ/σ · (dy − dβ/n − x̂ · dγ/n);  evaluation: dx = γ/σ · dy.
/// (In training mode ∂x̂/∂x is symmetric, so the adjoint has the tangent's form with γ·dy for dx.)
///
/// With a ReLU directly above, `Network` runs the two as one (`BatchNormReLU`): the same maps with
/// the ReLU's applied in this layer's passes (its output written by the normalising pass, its mask
/// applied as the projection writes the tangent and as it reads the gradient).
public final class BatchNorm: Layer {
    public let inputShape: [Int]
    public let channels: Int
    public let gamma: Parameter
    public let beta: Parameter
    /// Running estimates used in evaluation mode (not trained; part of a checkpoint).
    public let runningMean: Tensor
    public let runningVariance: Tensor
    public let momentum: Float = 0.1
    public let epsilon: Float = 1e-5

    /// Values per channel and sample (H·W, or 1 for features).
    private let spatial: Int
    private var output = Workspace()
    private var outputTangent = Workspace()
    private var inputGradient = Workspace()
    private var normalizedBuffer = Workspace()
    /// x̂ of the last forward.
    private var normalized: Tensor?
    /// 1/σ per channel of the last forward.
    private let inverseDeviation: Tensor
    /// Per-channel scratch pair for the tangent's and adjoint's two means.
    private let firstMoment: Tensor, secondMoment: Tensor
    private var lastMode = Mode.evaluation

    /// BatchNorm for a per-sample `shape`: [F] (over features) or [C, H, W] (over channels).
    public init(shape: [Int]) throws {
        guard shape.count == 1 || shape.count == 3 else {
            throw ShapeError("expects features F or an image input C×H×W, got \(format(shape))")
        }
        inputShape = shape
        channels = shape[0]
        spatial = shape.dropFirst().reduce(1, *)
        gamma = Parameter("gamma", Tensor(shape: [channels], repeating: 1))
        beta = Parameter("beta", Tensor(zeros: [channels]))
        runningMean = Tensor(zeros: [channels])
        runningVariance = Tensor(shape: [channels], repeating: 1)
        inverseDeviation = Tensor(zeros: [channels])
        firstMoment = Tensor(zeros: [channels])
        secondMoment = Tensor(zeros: [channels])
    }

    public var description: String { "BatchNorm\(inputShape.count == 1 ? "1d" : "2d")(\(channels))" }
    public var outputShape: [Int] { inputShape }
    public var parameters: [Parameter] { [gamma, beta] }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        let y = output.tensor(x.shape)
        normalize(x, mode: mode, into: y, floor: -.infinity)
        return y
    }

    /// The forward pass with the ReLU above applied as the values are written: max(y, 0) into `out`
    /// (the ReLU's output); this layer's own y is not written.
    func forward(_ x: Tensor, mode: Mode, rectifyingInto out: Tensor) {
        normalize(x, mode: mode, into: out, floor: 0)
    }

    /// The tangent with the ReLU above applied as it is written: dy ⊙ `mask` into `out` (the ReLU's tangent).
    func tangent(_ dx: Tensor?, along directions: [Tensor?], rectifiedBy mask: ReLU.Mask, into out: Tensor) -> Tensor? {
        tangent(dx, along: directions, writing: mask, into: out)
    }

    /// The tangent, each value written as `output`(dy) into `out`; nil when every direction is zero.
    private func tangent<Out: ElementGate>(_ dx: Tensor?, along directions: [Tensor?], writing output: Out,
                                           into out: @autoclosure () -> Tensor) -> Tensor? {
        let dg = directions.direction(0), db = directions.direction(1)
        guard dx != nil || dg != nil || db != nil else { return nil }
        return project(dx, xhat: normalized!, scale: gamma.value.data, addScale: dg?.data, addShift: db?.data,
                       reading: ReLU.Open(), writing: output, into: out())
    }

    /// The adjoint of dy ⊙ `mask`, the ReLU above's adjoint applied as dy is read.
    func adjoint(_ dy: Tensor, maskedBy mask: ReLU.Mask, needInputGradient: Bool) -> Tensor? {
        adjoint(dy, reading: mask, needInputGradient: needInputGradient)
    }

    /// The forward pass into `y`, each value written as max(γ x̂ + β, floor): a floor of −∞ leaves
    /// every value as it is (NaN too: `max` returns its first argument when unordered), 0 is a ReLU's.
    private func normalize(_ x: Tensor, mode: Mode, into y: Tensor, floor: Float) {
        lastMode = mode
        let xhat = normalizedBuffer.tensor(x.shape)
        normalized = xhat
        let batch = x.batch, c = channels, s = spatial, n = batch * s
        let src = x.data, dst = y.data, nrm = xhat.data
        let g = gamma.value.data, b = beta.value.data, inv = inverseDeviation.data
        let rm = runningMean.data, rv = runningVariance.data
        let update = mode == .training(updateStatistics: true)
        let m = momentum, eps = epsilon
        if s == 1 {
            forwardFeatures(src, batch: batch, mode: mode, into: dst, normalized: nrm, floor: floor)
            return
        }
        parallelFor(c, valuesEach: n) { range in
            for ch in range {
                var mean: Float, variance: Float
                if mode.isTraining {
                    // Two passes, the mean then the centred squares; float within a sample's
                    // plane (eight partial sums, CKernels/reduce.c), double across planes.
                    var sum: Double = 0
                    for i in 0 ..< batch { sum += Double(fdfa_plane_sum(src + (i * c + ch) * s, s)) }
                    mean = Float(sum / Double(n))
                    var squares: Double = 0
                    for i in 0 ..< batch {
                        squares += Double(fdfa_plane_squared_deviation(src + (i * c + ch) * s, s, mean))
                    }
                    variance = Float(squares / Double(n))
                    if update {
                        let unbiased = n > 1 ? Float(squares / Double(n - 1)) : variance
                        rm[ch] = (1 - m) * rm[ch] + m * mean
                        rv[ch] = (1 - m) * rv[ch] + m * unbiased
                    }
                } else {
                    mean = rm[ch]
                    variance = rv[ch]
                }
                let r = 1 / (variance + eps).squareRoot()
                inv[ch] = r
                let scale = g[ch], shift = b[ch]
                for i in 0 ..< batch {
                    // Row pointers: the index arithmetic (overflow-checked) stays out of the inner loop.
                    let o = (i * c + ch) * s, x = src + o, n = nrm + o, y = dst + o
                    for j in 0 ..< s {
                        let h = (x[j] - mean) * r
                        n[j] = h
                        y[j] = max(scale * h + shift, floor)
                    }
                }
            }
        }
    }

    public func tangent(_ dx: Tensor?, along directions: [Tensor?]) -> Tensor? {
        tangent(dx, along: directions, writing: ReLU.Open(), into: outputTangent.tensor(normalized!.shape))
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        adjoint(dy, reading: ReLU.Open(), needInputGradient: needInputGradient)
    }

    /// The adjoint of `input`(dy): dy as it is, or masked by the ReLU above.
    private func adjoint<In: ElementGate>(_ dy: Tensor, reading input: In, needInputGradient: Bool) -> Tensor? {
        let xhat = normalized!
        // dβ = Σ dy and dγ = Σ dy ⊙ x̂ are also the projection's two sums: `project` computes them
        // channel by channel, just before it uses them, while the channel's values are in cache.
        let sums = (beta.grad.data, gamma.grad.data)
        guard needInputGradient else {
            channelSums(dy.data, input, xhat.data, batch: dy.batch, into: sums.0, sums.1)
            return nil
        }
        return project(dy, xhat: xhat, scale: gamma.value.data, addScale: nil, addShift: nil, sums: sums,
                       reading: input, writing: ReLU.Open(), into: inputGradient.tensor(xhat.shape))
    }

    /// out = output(γ/σ · P(v) + a ⊙ x̂ + c), where P(v) = v − mean(v) − x̂ · mean(v ⊙ x̂) in training
    /// mode and P(v) = v in evaluation mode (v = nil: zero), each element of v read as input(v).
    /// The tangent and the adjoint share it; `input` and `output` are a ReLU's mask when it is fused
    /// with the ReLU above, `ReLU.Open` otherwise. With `sums`, Σ v and Σ v ⊙ x̂ per channel are also
    /// written there (in either mode).
    private func project<In: ElementGate, Out: ElementGate>(
        _ v: Tensor?, xhat: Tensor, scale: UnsafePointer<Float>,
        addScale: UnsafePointer<Float>?, addShift: UnsafePointer<Float>?,
        sums keep: (first: UnsafeMutablePointer<Float>, second: UnsafeMutablePointer<Float>)? = nil,
        reading input: In, writing output: Out, into out: Tensor
    ) -> Tensor {
        let batch = xhat.batch, c = channels, s = spatial, n = Float(batch * s)
        // The batch statistics' terms: only in training mode, and only for a non-zero v.
        let training = lastMode.isTraining && v != nil
        // Σ v and Σ v ⊙ x̂ per channel, where they are asked for or needed.
        let needsSums = v != nil && (training || keep != nil)
        let (sum, dot) = keep ?? (firstMoment.data, secondMoment.data)
        let src = v?.data, h = xhat.data, dst = out.data, inv = inverseDeviation.data
        if s == 1 {
            // Features: fold the per-feature terms into out = k·v + p·x̂ + q first (in the moments'
            // scratch storage), then one pass along each contiguous sample row, which vectorises.
            if needsSums { channelSums(src!, input, h, batch: batch, into: sum, dot) }
            let p = secondMoment.data, q = firstMoment.data
            for f in 0 ..< c {
                let k = scale[f] * inv[f]
                let slope = training ? k * dot[f] / n : 0, mean = training ? k * sum[f] / n : 0
                p[f] = (addScale?[f] ?? 0) - slope
                q[f] = (addShift?[f] ?? 0) - mean
            }
            for i in 0 ..< batch {
                let o = i * c, y = dst + o, x = h + o, read = input.advanced(by: o), write = output.advanced(by: o)
                if let src {
                    let v = src + o
                    for f in 0 ..< c { y[f] = write(scale[f] * inv[f] * read(v[f], at: f) + p[f] * x[f] + q[f], at: f) }
                } else {
                    for f in 0 ..< c { y[f] = write(p[f] * x[f] + q[f], at: f) }
                }
            }
            return out
        }
        // Channels: each channel's sums, then its projection, while its planes are still in cache.
        parallelFor(c, valuesEach: batch * s) { range in
            for ch in range {
                if needsSums { (sum[ch], dot[ch]) = channelSum(ch, src!, input, h, batch: batch) }
                let k = scale[ch] * inv[ch]
                let mean = training ? sum[ch] / n : 0, slope = training ? dot[ch] / n : 0
                let a = addScale?[ch] ?? 0, b = addShift?[ch] ?? 0
                for i in 0 ..< batch {
                    let o = (i * c + ch) * s
                    if let src {
                        for j in o ..< o + s { dst[j] = output(k * (input(src[j], at: j) - mean - h[j] * slope) + a * h[j] + b, at: j) }
                    } else {
                        for j in o ..< o + s { dst[j] = output(a * h[j] + b, at: j) }
                    }
                }
            }
        }
        return out
    }

    /// Per channel: first[c] = Σ v, second[c] = Σ v ⊙ x̂, each element of v read as input(v).
    private func channelSums<In: ElementGate>(
        _ v: UnsafePointer<Float>, _ input: In, _ xhat: UnsafePointer<Float>, batch: Int,
        into first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>
    ) {
        let c = channels, s = spatial
        if s == 1 {
            first.update(repeating: 0, count: c)
            second.update(repeating: 0, count: c)
            for i in 0 ..< batch {
                let o = i * c, vr = v + o, hr = xhat + o, read = input.advanced(by: o)
                for f in 0 ..< c {
                    let value = read(vr[f], at: f)
                    first[f] += value
                    second[f] += value * hr[f]
                }
            }
            return
        }
        parallelFor(c, valuesEach: batch * s) { range in
            for ch in range { (first[ch], second[ch]) = channelSum(ch, v, input, xhat, batch: batch) }
        }
    }

    /// (Σ v, Σ v ⊙ x̂) over channel `ch` of a [B, C, S] pair, each element of v read as input(v):
    /// float within a plane, double across.
    private func channelSum<In: ElementGate>(_ ch: Int, _ v: UnsafePointer<Float>, _ input: In, _ xhat: UnsafePointer<Float>,
                                             batch: Int) -> (Float, Float) {
        let c = channels, s = spatial
        var a: Double = 0, b: Double = 0
        for i in 0 ..< batch {
            let o = (i * c + ch) * s
            var pa: Float = 0, pb: Float = 0
            if let mask = input.mask {
                fdfa_plane_masked_sum_and_dot(v + o, mask + o, xhat + o, s, &pa, &pb)
            } else {
                fdfa_plane_sum_and_dot(v + o, xhat + o, s, &pa, &pb)
            }
            a += Double(pa)
            b += Double(pb)
        }
        return (Float(a), Float(b))
    }

    /// The forward pass over features (S = 1, BatchNorm1d): the same statistics as the per-channel
    /// loop, but every loop runs along a sample's contiguous feature row, so they vectorise.
    private func forwardFeatures(_ x: UnsafePointer<Float>, batch: Int, mode: Mode,
                                 into y: UnsafeMutablePointer<Float>, normalized h: UnsafeMutablePointer<Float>, floor: Float) {
        let c = channels, mean = firstMoment.data, variance = secondMoment.data, inv = inverseDeviation.data
        if mode.isTraining {
            mean.update(repeating: 0, count: c)
            variance.update(repeating: 0, count: c)
            for i in 0 ..< batch {
                let row = x + i * c
                for f in 0 ..< c { mean[f] += row[f] }
            }
            for f in 0 ..< c { mean[f] /= Float(batch) }
            for i in 0 ..< batch {
                let row = x + i * c
                for f in 0 ..< c {
                    let d = row[f] - mean[f]
                    variance[f] += d * d
                }
            }
            let unbiased = batch > 1 ? Float(batch) / Float(batch - 1) : 1
            let (rm, rv, m) = (runningMean.data, runningVariance.data, momentum)
            for f in 0 ..< c {
                let sumOfSquares = variance[f]
                variance[f] = sumOfSquares / Float(batch)
                if mode == .training(updateStatistics: true) {
                    rm[f] = (1 - m) * rm[f] + m * mean[f]
                    rv[f] = (1 - m) * rv[f] + m * variance[f] * unbiased
                }
            }
        } else {
            mean.update(from: runningMean.data, count: c)
            variance.update(from: runningVariance.data, count: c)
        }
        for f in 0 ..< c { inv[f] = 1 / (variance[f] + epsilon).squareRoot() }
        // Split by rows over the threads when large (an evaluation pass); a training batch's 64
        // rows stay on one thread.
        let g = gamma.value.data, b = beta.value.data
        parallelFor(batch, valuesEach: c) { rows in
            for i in rows {
                let xr = x + i * c, hr = h + i * c, yr = y + i * c
                for f in 0 ..< c {
                    let v = (xr[f] - mean[f]) * inv[f]
                    hr[f] = v
                    yr[f] = max(g[f] * v + b[f], floor)
                }
            }
        }
    }
}
