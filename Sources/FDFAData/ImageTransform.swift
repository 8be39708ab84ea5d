import FDFAEngine
import Foundation

/// The geometric transforms the reference applies to CIFAR-100 for AlexNet, done per batch on the
/// fly (50 000 images at 224×224 would need 30 GB).
///
/// Images are resampled after normalisation: bilinear interpolation is an affine combination (its
/// weights sum to 1), so it commutes with the affine (x − 0.5) / 0.5 and the result equals the
/// reference's resize-then-normalise.
public enum ImageTransform: Equatable, Sendable {
    /// Bilinear resize of the whole image to size × size (the reference's test transform).
    case resize(to: Int)
    /// torchvision's RandomResizedCrop(size, scale, ratio) then a horizontal flip with probability ½
    /// (the reference's training transform, default area 8–100 %, aspect 3/4–4/3).
    case randomResizedCropAndFlip(to: Int, scale: ClosedRange<Float> = 0.08 ... 1, ratio: ClosedRange<Float> = 0.75 ... 4.0 / 3.0)

    public var size: Int {
        switch self {
        case let .resize(size), let .randomResizedCropAndFlip(size, _, _): return size
        }
    }

    /// Per-sample output shape for per-sample input shape [C, H, W].
    public func outputShape(for sampleShape: [Int]) -> [Int] {
        precondition(sampleShape.count == 3, "image transforms need [C, H, W] samples, got \(sampleShape)")
        return [sampleShape[0], size, size]
    }

    /// Which part of the source a sample reads, and whether its output is mirrored.
    struct Crop: Equatable {
        var top: Int, left: Int, height: Int, width: Int
        var flip: Bool
    }

    /// Draws one sample's crop: for `.resize` the whole image, otherwise torchvision's
    /// `RandomResizedCrop.get_params` (ten tries at a random area and log-uniform aspect ratio, then
    /// a centre crop clamped to the ratio range) and a fair coin for the flip.
    func crop(height: Int, width: Int, random: inout Random) -> Crop {
        guard case let .randomResizedCropAndFlip(_, scale, ratio) = self else {
            return Crop(top: 0, left: 0, height: height, width: width, flip: false)
        }
        let area = Float(height * width)
        let logLow = logf(ratio.lowerBound), logHigh = logf(ratio.upperBound)
        var box: Crop?
        for _ in 0 ..< 10 {
            let target = area * (scale.lowerBound + (scale.upperBound - scale.lowerBound) * random.nextUniform())
            let aspect = expf(logLow + (logHigh - logLow) * random.nextUniform())
            let w = Int((target * aspect).squareRoot().rounded()), h = Int((target / aspect).squareRoot().rounded())
            if w > 0, w <= width, h > 0, h <= height {
                let top = random.nextInt(below: height - h + 1), left = random.nextInt(below: width - w + 1)
                box = Crop(top: top, left: left, height: h, width: w, flip: false)
                break
            }
        }
        if box == nil {
            let inRatio = Float(width) / Float(height)
            var w = width, h = height
            if inRatio < ratio.lowerBound {
                h = Int((Float(w) / ratio.lowerBound).rounded())
            } else if inRatio > ratio.upperBound {
                w = Int((Float(h) * ratio.upperBound).rounded())
            }
            box = Crop(top: (height - h) / 2, left: (width - w) / 2, height: h, width: w, flip: false)
        }
        box!.flip = random.nextUniform() < 0.5
        return box!
    }

    /// Bilinearly resamples `crop` of one [C, H, W] image at `src` into a [C, size, size] image at
    /// `dst`, with PyTorch's `align_corners=False` sampling (pixel centres, clamped at the border).
    static func resample(_ src: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                         crop: Crop, into dst: UnsafeMutablePointer<Float>, size: Int) {
        withUnsafeTemporaryAllocation(of: (Int, Int, Float).self, capacity: size) { columns in
            let sx = Float(crop.width) / Float(size)
            for ox in 0 ..< size {
                let (i0, i1, t) = taps((Float(ox) + 0.5) * sx - 0.5, extent: crop.width)
                columns[crop.flip ? size - 1 - ox : ox] = (crop.left + i0, crop.left + i1, t)
            }
            let sy = Float(crop.height) / Float(size)
            for oy in 0 ..< size {
                let (r0, r1, u) = taps((Float(oy) + 0.5) * sy - 0.5, extent: crop.height)
                for c in 0 ..< channels {
                    let plane = src + c * height * width
                    let row0 = plane + (crop.top + r0) * width, row1 = plane + (crop.top + r1) * width
                    let out = dst + (c * size + oy) * size
                    for ox in 0 ..< size {
                        let (a, b, t) = columns[ox]
                        let top = row0[a] + (row0[b] - row0[a]) * t
                        let bottom = row1[a] + (row1[b] - row1[a]) * t
                        out[ox] = top + (bottom - top) * u
                    }
                }
            }
        }
    }

    /// The two neighbouring source indices of a sampling position and the weight of the second.
    @inline(__always)
    private static func taps(_ position: Float, extent: Int) -> (Int, Int, Float) {
        let p = max(position, 0)
        let i0 = min(Int(p), extent - 1)
        let i1 = min(i0 + 1, extent - 1)
        return (i0, i1, p - Float(i0))
    }
}
