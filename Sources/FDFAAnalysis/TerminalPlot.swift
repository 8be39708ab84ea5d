/// A line plot drawn with Unicode braille characters, for the REPL.
///
/// Each character cell holds a 2 × 4 grid of dots, so a plot of `width` × `height` cells has
/// 2·width × 4·height points of resolution; consecutive points of a series are joined by straight
/// dot lines. The y axis shows its maximum at the top and its minimum at the bottom, the x axis
/// its range underneath, and a legend follows. With `colored`, each series gets an ANSI colour (a
/// cell shared by several series takes the colour of the last one drawn); without it, the first
/// series is drawn in braille dots and each other one with a marker of its own (•, ×, +, …) in the
/// cells it passes through, so the lines stay apart in plain output too.
public struct TerminalPlot {
    public var series: [PlotSeries]
    public var title: String?
    public var width = 60
    public var height = 14
    public var logarithmicY = false
    public var colored = false
    /// Axis labels, printed above the y axis and under the x axis.
    public var xLabel: String?
    public var yLabel: String?
    /// The y range to show, instead of the data's; points beyond it are cut off.
    public var yLimits: (low: Double, high: Double)?

    public init(series: [PlotSeries], title: String? = nil, width: Int = 60, height: Int = 14,
                logarithmicY: Bool = false, colored: Bool = false) {
        precondition(width >= 2 && height >= 2, "a terminal plot needs at least 2 × 2 cells")
        self.series = series
        self.title = title
        self.width = width
        self.height = height
        self.logarithmicY = logarithmicY
        self.colored = colored
    }

    private static let colors = ["\u{1B}[34m", "\u{1B}[31m", "\u{1B}[32m", "\u{1B}[33m", "\u{1B}[35m", "\u{1B}[36m"]
    private static let reset = "\u{1B}[0m"
    /// Plain output's glyphs for the second series on (the first keeps the braille line).
    private static let markers: [Character] = ["•", "×", "+", "o", "*", "#"]

    private func glyph(series s: Int) -> String {
        colored ? Self.colors[s % Self.colors.count] + "⣿" + Self.reset : s == 0 ? "⣿" : String(Self.markers[(s - 1) % Self.markers.count])
    }

    public func render() -> String {
        let xAxis = PlotAxis(values: series.flatMap { $0.finitePoints.map(\.x) })
        let yAxis = yLimits.map { PlotAxis(low: $0.low, high: $0.high, logarithmic: logarithmicY) }
            ?? PlotAxis(values: series.flatMap { $0.finitePoints.map(\.y) }, logarithmic: logarithmicY)
        var canvas = BrailleCanvas(width: width, height: height)
        // Fractions are clamped so that a point far beyond chosen limits stays a short line off the canvas.
        func dot(_ fraction: Double, _ count: Int) -> Int { Int((min(max(fraction, -1), 2) * Double(count - 1)).rounded()) }
        for (s, line) in series.enumerated() {
            let dots = line.drawable(logarithmicY: logarithmicY).map { p in
                (dot(xAxis.fraction(p.x), canvas.dotsWide), canvas.dotsHigh - 1 - dot(yAxis.fraction(p.y), canvas.dotsHigh))
            }
            for (a, b) in zip(dots, dots.dropFirst()) { canvas.line(from: a, to: b, series: s) }
            if dots.count == 1 { canvas.line(from: dots[0], to: dots[0], series: s) }
        }
        let top = PlotAxis.label(yAxis.high), bottom = PlotAxis.label(yAxis.low)
        let margin = max(top.count, bottom.count)
        var lines = title.map { [$0] } ?? []
        if let yLabel { lines.append(yLabel) }
        for row in 0 ..< height {
            let label = row == 0 ? top : row == height - 1 ? bottom : ""
            let tick = row == 0 || row == height - 1 ? "┤" : "│"
            let cells = (0 ..< width).map { column -> String in
                let (glyph, owner) = canvas.cell(column: column, row: row)
                guard let owner else { return String(glyph) }
                if colored { return Self.colors[owner % Self.colors.count] + String(glyph) + Self.reset }
                return owner == 0 ? String(glyph) : String(Self.markers[(owner - 1) % Self.markers.count])
            }
            lines.append(String(repeating: " ", count: margin - label.count) + label + " " + tick + cells.joined())
        }
        let left = PlotAxis.label(xAxis.low), right = PlotAxis.label(xAxis.high)
        lines.append(String(repeating: " ", count: margin + 1) + "└" + String(repeating: "─", count: width))
        lines.append(String(repeating: " ", count: margin + 2) + left
                     + String(repeating: " ", count: max(1, width - left.count - right.count)) + right)
        if let xLabel {
            lines.append(String(repeating: " ", count: margin + 2 + max(0, (width - xLabel.count) / 2)) + xLabel)
        }
        let legend = series.enumerated().map { s, line in glyph(series: s) + " " + line.name }
        if !legend.isEmpty { lines.append(String(repeating: " ", count: margin + 2) + legend.joined(separator: "   ")) }
        return lines.joined(separator: "\n")
    }
}

/// Braille cells as a grid of dots: each cell keeps its dot bits and the last series that drew in it.
private struct BrailleCanvas {
    let width: Int, height: Int
    private var bits: [UInt8]
    private var owners: [Int?]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        bits = Array(repeating: 0, count: width * height)
        owners = Array(repeating: nil, count: width * height)
    }

    var dotsWide: Int { 2 * width }
    var dotsHigh: Int { 4 * height }

    /// Unicode's braille dot numbering: bit of the dot at (column within cell, row within cell).
    private static let dotBit: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(_ x: Int, _ y: Int, series: Int) {
        guard (0 ..< dotsWide).contains(x), (0 ..< dotsHigh).contains(y) else { return }
        let cell = (y / 4) * width + x / 2
        bits[cell] |= Self.dotBit[x % 2][y % 4]
        owners[cell] = series
    }

    /// Bresenham's line between two dots, both ends included.
    mutating func line(from a: (Int, Int), to b: (Int, Int), series: Int) {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y)
        let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var error = dx + dy
        while true {
            set(x, y, series: series)
            if x == b.0 && y == b.1 { return }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
    }

    func cell(column: Int, row: Int) -> (Character, Int?) {
        let i = row * width + column
        return (Character(Unicode.Scalar(0x2800 + UInt32(bits[i]))!), owners[i])
    }
}
