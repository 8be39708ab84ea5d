import FDFAEngine

/// A sample drawn as text, so images can be looked at in a terminal or a notebook: one character
/// pair per pixel (pairs keep the aspect ratio), darker shades for larger values. Colour images
/// show the mean of their channels.
enum ImageText {
    static let shades = Array(" .:-=+*#%@")

    /// `pixels` holds one sample of `shape` ([C, H, W], [H, W], or a flat square); values in [-1, 1].
    static func render(_ pixels: UnsafePointer<Float>, shape: [Int]) throws -> String {
        let (channels, height, width) = try geometry(shape)
        var lines: [String] = []
        for y in 0 ..< height {
            var line = ""
            for x in 0 ..< width {
                var sum: Float = 0
                for c in 0 ..< channels { sum += pixels[(c * height + y) * width + x] }
                let level = (sum / Float(channels) + 1) / 2
                let shade = shades[min(shades.count - 1, max(0, Int(level * Float(shades.count))))]
                line += String(repeating: shade, count: 2)
            }
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func geometry(_ shape: [Int]) throws -> (channels: Int, height: Int, width: Int) {
        switch shape.count {
        case 3: return (shape[0], shape[1], shape[2])
        case 2: return (1, shape[0], shape[1])
        case 1:
            let side = Int(Double(shape[0]).squareRoot())
            if side * side == shape[0] { return (1, side, side) }
        default: break
        }
        throw LanguageError.runtime("samples of shape \(format(shape)) are not images (expected C×H×W, H×W or a square number of values)")
    }
}
