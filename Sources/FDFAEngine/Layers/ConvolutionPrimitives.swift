import CConvolution

/// oneDNN's convolution primitives for one `Conv2d` (CConvolution): forward, backward-data and
/// backward-weights, each call on `samples` consecutive samples, each of fdfa's threads with its own
/// operands. Made once per layer, samples per call and thread count, and reused by every step.
final class ConvolutionPrimitives {
    /// Made for a number of threads: calls pass `Threads.current`, which must stay below it.
    private let handle: OpaquePointer

    /// nil when oneDNN cannot make the primitives (the layer then runs its im2col reference).
    init?(_ g: WindowGeometry, outputs: Int, samples: Int, threads: Int) {
        guard let handle = fdfa_conv_create(Int32(g.channels), Int32(g.height), Int32(g.width), Int32(outputs),
                                            Int32(g.kernel), Int32(g.stride), Int32(g.padding), Int32(samples),
                                            Int32(threads))
        else { return nil }
        self.handle = handle
    }

    deinit { fdfa_conv_destroy(handle) }

    /// Whether they run Winograd's algorithm (3×3 kernels of stride 1, where oneDNN has it).
    var isWinograd: Bool { fdfa_conv_is_winograd(handle) != 0 }

    /// The weights a forward call multiplies with: the layer's own, or a direction given for them.
    enum Weights {
        case layer, direction
        var c: fdfa_conv_weights { self == .layer ? FDFA_CONV_WEIGHTS : FDFA_CONV_DIRECTION }
    }

    /// Brings the layer's weights (or a direction for them) into the primitives' layouts; before the threads run.
    func setWeights(_ which: Weights, _ w: UnsafePointer<Float>) {
        check(fdfa_conv_set_weights(handle, which.c, w), "copying the weights")
    }

    /// y = conv(a, weights aUses) [+ conv(b, weights bUses)] + bias, for the call's samples.
    func forward(_ a: UnsafePointer<Float>, _ aUses: Weights,
                 plus b: UnsafePointer<Float>? = nil, _ bUses: Weights = .layer,
                 bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        check(fdfa_conv_forward(handle, Int32(Threads.current), a, aUses.c, b, bUses.c, bias, y), "forward")
    }

    /// dx = the input gradient of the output gradient dy.
    func backwardData(_ dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        check(fdfa_conv_backward_data(handle, Int32(Threads.current), dy, dx), "backward-data")
    }

    /// dw, db = the weight and bias gradients, summed over the call's samples (overwritten).
    func backwardWeights(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                         into dw: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>) {
        check(fdfa_conv_backward_weights(handle, Int32(Threads.current), x, dy, dw, db), "backward-weights")
    }

    private func check(_ status: Int32, _ what: String) {
        precondition(status == 0, "oneDNN convolution \(what) failed (dnnl status \(status))")
    }
}
