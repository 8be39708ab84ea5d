import CKernels

/// 2-d max pooling over k×k windows moved by `stride`, no padding, floor output size (PyTorch's
/// defaults): input [B, C, H, W] → [B, C, H', W'].
///
/// Forward:  y[o] = x[a(o)],  a(o) = the argmax of window o (the first maximum in row-major order,
///           as PyTorch picks it; a NaN replaces it, so NaNs propagate), recorded for the other two maps
/// Tangent:  dy[o] = dx[a(o)]
/// Adjoint:  dx[i] = Σ_{o : a(o) = i} dy[o]     (overlapping windows may share an argmax)
public final class MaxPool2d: Layer {
    let geometry: WindowGeometry
    private var output = Workspace()
    private var outputTangent = Workspace()
    private var inputGradient = Workspace()
    /// a(o) of the last forward, as an offset within the input's channel plane.
    private var argmax: [Int32] = []

    public init(input: [Int], kernel: Int, stride: Int) throws {
        geometry = try WindowGeometry(image: input, kernel: kernel, stride: stride, padding: 0)
    }

    public var description: String { "MaxPool2d(\(geometry.kernel), s\(geometry.stride))" }
    public var inputShape: [Int] { [geometry.channels, geometry.height, geometry.width] }
    public var outputShape: [Int] { [geometry.channels, geometry.outputHeight, geometry.outputWidth] }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        let y = output.tensor([x.batch] + outputShape)
        if argmax.count < y.count { argmax = [Int32](repeating: 0, count: y.count) }
        let g = geometry, src = x.data, dst = y.data
        forEachPlane(batch: x.batch) { input, output, argmax in
            fdfa_maxpool_plane(src + input, g.width, g.kernel, g.stride, dst + output, argmax, g.outputHeight, g.outputWidth)
        }
        return y
    }

    public func tangent(_ dx: Tensor?, along _: [Tensor?]) -> Tensor? {
        guard let dx else { return nil }
        let dy = outputTangent.tensor([dx.batch] + outputShape)
        let src = dx.data, dst = dy.data, planeOut = geometry.outputArea
        forEachPlane(batch: dx.batch) { input, output, argmax in
            let x = src + input, y = dst + output
            for o in 0 ..< planeOut { y[o] = x[Int(argmax[o])] }
        }
        return dy
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        guard needInputGradient else { return nil }
        let dx = inputGradient.tensor([dy.batch] + inputShape)
        let src = dy.data, dst = dx.data, planeIn = geometry.height * geometry.width, planeOut = geometry.outputArea
        forEachPlane(batch: dy.batch) { input, output, argmax in
            let x = dst + input, y = src + output
            x.update(repeating: 0, count: planeIn)
            for o in 0 ..< planeOut { x[Int(argmax[o])] += y[o] }
        }
        return dx
    }

    /// Calls `body` for every (sample, channel) plane of a batch, in parallel, with where the plane
    /// starts in the input and in the output, and the plane's argmax (offsets within the input plane).
    private func forEachPlane(batch: Int,
                              _ body: (_ input: Int, _ output: Int, _ argmax: UnsafeMutablePointer<Int32>) -> Void) {
        let planeIn = geometry.height * geometry.width, planeOut = geometry.outputArea, planes = batch * geometry.channels
        argmax.withUnsafeMutableBufferPointer { buffer in
            let index = buffer.baseAddress!
            parallelFor(planes) { range in
                for plane in range { body(plane * planeIn, plane * planeOut, index + plane * planeOut) }
            }
        }
    }
}
