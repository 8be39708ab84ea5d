import FDFAEngine
import Foundation

/// A line chart as an SVG file, sized and labelled to drop into a paper: a framed plot box with
/// ticks and tick labels on both axes, axis labels, a title, and a legend beside the box.
///
/// Data extremes map to the edges of the plot box (see `PlotAxis`); `plotBox` says where that box is,
/// so tests can check the coordinates of the drawn lines.
public struct SVGFigure {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [PlotSeries]
    public var logarithmicY: Bool
    /// The y range to show, instead of the data's; lines beyond it are clipped to the plot box.
    public var yLimits: (low: Double, high: Double)?
    public var width: Double = 640
    public var height: Double = 400

    public init(title: String, xLabel: String, yLabel: String, series: [PlotSeries], logarithmicY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logarithmicY = logarithmicY
    }

    /// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale print.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    /// The data area: left, top, width, height in SVG units (the legend takes the right margin).
    public var plotBox: (x: Double, y: Double, width: Double, height: Double) {
        (72, 40, width - 72 - 170, height - 40 - 56)
    }

    public var xAxis: PlotAxis { PlotAxis(values: series.flatMap { $0.finitePoints.map(\.x) }) }
    public var yAxis: PlotAxis {
        yLimits.map { PlotAxis(low: $0.low, high: $0.high, logarithmic: logarithmicY) }
            ?? PlotAxis(values: series.flatMap { $0.finitePoints.map(\.y) + $0.finiteBand.flatMap { [$0.lower, $0.upper] } },
                        logarithmic: logarithmicY)
    }

    /// SVG coordinates of a data point.
    public func position(x: Double, y: Double) -> (x: Double, y: Double) { position(x: x, y: y, on: (xAxis, yAxis)) }

    /// The same on axes computed once: each axis spans all the points, so recomputing it per point
    /// would make drawing quadratic.
    private func position(x: Double, y: Double, on axes: (x: PlotAxis, y: PlotAxis)) -> (x: Double, y: Double) {
        let box = plotBox
        return (box.x + axes.x.fraction(x) * box.width, box.y + (1 - axes.y.fraction(y)) * box.height)
    }

    public func render() -> String {
        let box = plotBox, (xa, ya) = (xAxis, yAxis)
        var svg = [
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(n(width))" height="\#(n(height))" viewBox="0 0 \#(n(width)) \#(n(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">"#,
            #"<rect width="100%" height="100%" fill="white"/>"#,
            #"<text x="\#(n(box.x + box.width / 2))" y="24" text-anchor="middle" font-size="15">\#(escape(title))</text>"#,
        ]
        for tick in xa.ticks(count: 6) {
            let x = box.x + xa.fraction(tick) * box.width, bottom = box.y + box.height
            svg.append(#"<line class="xtick" x1="\#(n(x))" y1="\#(n(bottom))" x2="\#(n(x))" y2="\#(n(bottom + 5))" stroke="black"/>"#)
            svg.append(#"<text x="\#(n(x))" y="\#(n(bottom + 19))" text-anchor="middle">\#(PlotAxis.label(tick))</text>"#)
        }
        for tick in ya.ticks(count: 5) {
            let y = box.y + (1 - ya.fraction(tick)) * box.height
            svg.append(#"<line x1="\#(n(box.x))" y1="\#(n(y))" x2="\#(n(box.x + box.width))" y2="\#(n(y))" stroke="rgb(228,228,228)"/>"#)
            svg.append(#"<line class="ytick" x1="\#(n(box.x - 5))" y1="\#(n(y))" x2="\#(n(box.x))" y2="\#(n(y))" stroke="black"/>"#)
            svg.append(#"<text x="\#(n(box.x - 8))" y="\#(n(y + 4))" text-anchor="end">\#(PlotAxis.label(tick))</text>"#)
        }
        svg.append(#"<rect x="\#(n(box.x))" y="\#(n(box.y))" width="\#(n(box.width))" height="\#(n(box.height))" fill="none" stroke="black"/>"#)
        svg.append(#"<text x="\#(n(box.x + box.width / 2))" y="\#(n(height - 12))" text-anchor="middle">\#(escape(xLabel))</text>"#)
        svg.append(#"<text transform="translate(18 \#(n(box.y + box.height / 2))) rotate(-90)" text-anchor="middle">\#(escape(yLabel))</text>"#)
        // Only limits the user chose can put data outside the box; the clip path is written only then.
        var clip = ""
        if yLimits != nil {
            svg.append(#"<clipPath id="box"><rect x="\#(n(box.x))" y="\#(n(box.y))" width="\#(n(box.width))" height="\#(n(box.height))"/></clipPath>"#)
            clip = #" clip-path="url(#box)""#
        }
        for (s, line) in series.enumerated() where line.band != nil {
            let band = line.finiteBand.filter { !logarithmicY || $0.lower > 0 }
            let outline = band.map { position(x: $0.x, y: $0.upper, on: (xa, ya)) }
                + band.reversed().map { position(x: $0.x, y: $0.lower, on: (xa, ya)) }
            svg.append(#"<polygon class="band"\#(clip) fill="\#(Self.palette[s % Self.palette.count])" fill-opacity="0.2" stroke="none" points="\#(outline.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " "))"/>"#)
        }
        for (s, line) in series.enumerated() {
            let color = Self.palette[s % Self.palette.count]
            let points = line.drawable(logarithmicY: logarithmicY)
                .map { position(x: $0.x, y: $0.y, on: (xa, ya)) }.map { "\(n($0.x)),\(n($0.y))" }
            svg.append(#"<polyline\#(clip) fill="none" stroke="\#(color)" stroke-width="1.8" stroke-linejoin="round" points="\#(points.joined(separator: " "))"/>"#)
            let ly = box.y + 8 + Double(s) * 18, lx = box.x + box.width + 14
            svg.append(#"<line x1="\#(n(lx))" y1="\#(n(ly))" x2="\#(n(lx + 22))" y2="\#(n(ly))" stroke="\#(color)" stroke-width="2.5"/>"#)
            svg.append(#"<text x="\#(n(lx + 28))" y="\#(n(ly + 4))">\#(escape(line.name))</text>"#)
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    public func write(to path: String) throws {
        try AtomicFile.write(render(), to: path)
    }

    /// Writes `png` from the SVG file `svg` with `rsvg-convert` (Debian: librsvg2-bin) when it is
    /// installed; returns false, writing nothing, when it is not or when it fails.
    @discardableResult
    public static func rasterise(svg: String, png: String) -> Bool {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/rsvg-convert" }
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format", "png", "--zoom", "2", "--output", png, svg]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Coordinates with two decimals: exact enough for print, short enough to keep files small.
    private func n(_ value: Double) -> String { String(format: "%.2f", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
