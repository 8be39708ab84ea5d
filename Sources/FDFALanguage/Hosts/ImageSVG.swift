import Foundation

/// A sample drawn as an SVG image, for hosts that show pictures (Jupyter): one square per pixel,
/// brighter for larger values (grey for one channel, RGB for three, the channels' mean otherwise),
/// with a caption. Values in [-1, 1], as `ImageText` reads them.
enum ImageSVG {
    static let pixelSize = 8

    static func render(_ pixels: UnsafePointer<Float>, shape: [Int], caption: String) throws -> String {
        let (channels, height, width) = try ImageText.geometry(shape)
        func level(_ c: Int, _ y: Int, _ x: Int) -> Int {
            Int((min(1, max(-1, pixels[(c * height + y) * width + x])) + 1) / 2 * 255)
        }
        let size = pixelSize, captionHeight = 22
        var svg = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width * size)" height="\#(height * size + captionHeight)" shape-rendering="crispEdges" font-family="Helvetica, Arial, sans-serif" font-size="12">"#]
        for y in 0 ..< height {
            for x in 0 ..< width {
                let rgb: (Int, Int, Int)
                if channels == 3 {
                    rgb = (level(0, y, x), level(1, y, x), level(2, y, x))
                } else {
                    let grey = (0 ..< channels).map { level($0, y, x) }.reduce(0, +) / channels
                    rgb = (grey, grey, grey)
                }
                svg.append(#"<rect x="\#(x * size)" y="\#(y * size)" width="\#(size)" height="\#(size)" fill="rgb(\#(rgb.0),\#(rgb.1),\#(rgb.2))"/>"#)
            }
        }
        let escaped = caption.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        svg.append(#"<text x="0" y="\#(height * size + 16)">\#(escaped)</text>"#)
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }
}
