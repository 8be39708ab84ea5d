import CKernels

/// The sizes of a 2-d sliding window over a C×H×W image (a convolution's or a pooling's):
/// a k×k kernel moved by `stride`, over the image padded with `padding` zeros on every side.
/// Output sizes are floor((H + 2·padding − k) / stride) + 1, as PyTorch's.
struct WindowGeometry: Equatable {
    let channels: Int, height: Int, width: Int
    let kernel: Int, stride: Int, padding: Int

    var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Output pixels per channel.
    var outputArea: Int { outputHeight * outputWidth }
    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    var patchSize: Int { channels * kernel * kernel }
    /// Input elements per sample.
    var inputCount: Int { channels * height * width }

    /// The reason the window does not fit an input of this size, or nil.
    /// E.g. "input 15×4×4 is smaller than the 5×5 kernel".
    private var misfit: String? {
        guard kernel > 0 else { return "needs a kernel of at least 1, got \(kernel)" }
        guard stride > 0 else { return "needs a stride of at least 1, got \(stride)" }
        guard padding >= 0 else { return "needs a padding of at least 0, got \(padding)" }
        guard height + 2 * padding >= kernel, width + 2 * padding >= kernel else {
            let padded = padding > 0 ? " (padded by \(padding))" : ""
            return "input \(format([channels, height, width]))\(padded) is smaller than the \(kernel)×\(kernel) kernel"
        }
        return nil
    }
}

extension WindowGeometry {
    /// The window of a k×k kernel over an image-shaped `input` (C×H×W); throws a `ShapeError`
    /// saying what is wrong otherwise, e.g. "expects an image input C×H×W, got 800".
    init(image input: [Int], kernel: Int, stride: Int, padding: Int) throws {
        guard input.count == 3 else { throw ShapeError("expects an image input C×H×W, got \(format(input))") }
        self.init(channels: input[0], height: input[1], width: input[2], kernel: kernel, stride: stride, padding: padding)
        if let reason = misfit { throw ShapeError(reason) }
    }
}

extension WindowGeometry {
    /// The output columns q whose input column q·stride − padding + j lies inside the image, for
    /// kernel column j; the others read the zero padding.
    func validOutputColumns(kernelColumn j: Int) -> Range<Int> {
        // q·s ≥ p − j  and  q·s ≤ w − 1 + p − j, with floor division that rounds towards −∞.
        func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
        let lo = max(0, -floorDiv(j - padding, stride))
        let hi = min(outputWidth, floorDiv(width - 1 + padding - j, stride) + 1)
        return lo ..< max(lo, hi)
    }

    /// `validOutputColumns` for every kernel column, flattened as (lower, upper) pairs: im2col's table.
    var validColumnBounds: [Int] {
        (0 ..< kernel).flatMap { j in
            let valid = validOutputColumns(kernelColumn: j)
            return [valid.lowerBound, valid.upperBound]
        }
    }
}

/// im2col: writes one sample's patches as the columns of a patchSize × outputArea matrix.
///
/// Row (c, i, j) of the matrix holds, for every output pixel (oh, ow), the input pixel
/// x[c, oh·stride − padding + i, ow·stride − padding + j] (zero outside the image). The loops are
/// a C kernel (CKernels/im2col.c), so that the short row copies vectorise. `valid` is
/// `g.validColumnBounds`, computed once by the caller.
func im2col(_ x: UnsafePointer<Float>, _ g: WindowGeometry, valid: [Int], into cols: UnsafeMutablePointer<Float>) {
    valid.withUnsafeBufferPointer { valid in
        fdfa_im2col(x, g.channels, g.height, g.width, g.kernel, g.stride, g.padding, g.outputHeight, g.outputWidth,
                    valid.baseAddress, cols)
    }
}

/// col2im, the transpose of `im2col`: adds every column entry back onto the input pixel it was
/// read from (overlapping windows sum). `dx` must be zeroed by the caller.
func col2im(_ cols: UnsafePointer<Float>, _ g: WindowGeometry, into dx: UnsafeMutablePointer<Float>) {
    let k = g.kernel, s = g.stride, p = g.padding
    let oh = g.outputHeight, ow = g.outputWidth, h = g.height, w = g.width, ld = g.outputArea
    for c in 0 ..< g.channels {
        let plane = dx + c * h * w
        for i in 0 ..< k {
            for j in 0 ..< k {
                let row = cols + ((c * k + i) * k + j) * ld
                let valid = g.validOutputColumns(kernelColumn: j), offset = j - p
                for r in 0 ..< oh {
                    let ih = r * s - p + i
                    guard ih >= 0, ih < h else { continue }
                    let src = row + r * ow, dst = plane + ih * w + offset
                    if s == 1 {
                        for q in valid { dst[q] += src[q] }
                    } else {
                        for q in valid { dst[q * s] += src[q] }
                    }
                }
            }
        }
    }
}
