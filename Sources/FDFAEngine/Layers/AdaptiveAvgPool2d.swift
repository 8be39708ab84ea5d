/// 2-d adaptive average pooling to a fixed H'×W' output: input [B, C, H, W] → [B, C, H', W'].
///
/// Output row i averages input rows floor(i·H/H') ..< ceil((i+1)·H/H') (PyTorch's bins; they may
/// overlap when H is not a multiple of H'), and likewise for columns. The map is linear, so
/// Forward:  y  = P x,   with P[o, i] = 1/|bin o| for i in bin o
/// Tangent:  dy = P dx
/// Adjoint:  dx = Pᵀ dy  (each dy[o] spread evenly over its bin)
public final class AdaptiveAvgPool2d: Layer {
    public let inputShape: [Int]
    public let outputHeight: Int
    public let outputWidth: Int
    /// Half-open bins along each axis.
    private let rowBins: [Range<Int>]
    private let columnBins: [Range<Int>]
    private var output = Workspace()
    private var outputTangent = Workspace()
    private var inputGradient = Workspace()

    public init(input: [Int], height: Int, width: Int) throws {
        guard input.count == 3, input.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("expects an image input C×H×W, got \(format(input))")
        }
        guard height > 0, width > 0 else { throw ShapeError("needs an output of at least 1×1, got \(height)×\(width)") }
        inputShape = input
        outputHeight = height
        outputWidth = width
        func bins(_ size: Int, _ count: Int) -> [Range<Int>] {
            (0 ..< count).map { i in (i * size) / count ..< ((i + 1) * size + count - 1) / count }
        }
        rowBins = bins(input[1], height)
        columnBins = bins(input[2], width)
    }

    public var description: String { "AdaptiveAvgPool2d(\(outputHeight)×\(outputWidth))" }
    public var outputShape: [Int] { [inputShape[0], outputHeight, outputWidth] }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor { pool(x, into: &output) }

    public func tangent(_ dx: Tensor?, along _: [Tensor?]) -> Tensor? { dx.map { pool($0, into: &outputTangent) } }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        guard needInputGradient else { return nil }
        let dx = inputGradient.tensor([dy.batch] + inputShape)
        let h = inputShape[1], w = inputShape[2], planeOut = outputHeight * outputWidth
        let src = dy.data, dst = dx.data, rows = rowBins, cols = columnBins, ow = outputWidth
        parallelFor(dy.batch * inputShape[0]) { planes in
            for plane in planes {
                let xp = dst + plane * h * w, yp = src + plane * planeOut
                xp.update(repeating: 0, count: h * w)
                for (r, rb) in rows.enumerated() {
                    for (q, cb) in cols.enumerated() {
                        let share = yp[r * ow + q] / Float(rb.count * cb.count)
                        for i in rb { for j in cb { xp[i * w + j] += share } }
                    }
                }
            }
        }
        return dx
    }

    /// y = P x, for the forward and the tangent alike.
    private func pool(_ x: Tensor, into buffer: inout Workspace) -> Tensor {
        let y = buffer.tensor([x.batch] + outputShape)
        let h = inputShape[1], w = inputShape[2], planeOut = outputHeight * outputWidth
        let src = x.data, dst = y.data, rows = rowBins, cols = columnBins, ow = outputWidth
        parallelFor(x.batch * inputShape[0]) { planes in
            for plane in planes {
                let xp = src + plane * h * w, yp = dst + plane * planeOut
                for (r, rb) in rows.enumerated() {
                    for (q, cb) in cols.enumerated() {
                        var sum: Float = 0
                        for i in rb { for j in cb { sum += xp[i * w + j] } }
                        yp[r * ow + q] = sum / Float(rb.count * cb.count)
                    }
                }
            }
        }
        return y
    }
}
