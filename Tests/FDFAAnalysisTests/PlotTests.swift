import FDFATestSupport
import XCTest
@testable import FDFAAnalysis

final class PlotTests: XCTestCase {
    func testAxisSpansTheDataAndTicksAreRound() {
        let axis = PlotAxis(values: [0.13, 0.9, .nan, 0.42])
        XCTAssertEqual(axis.low, 0.13)
        XCTAssertEqual(axis.high, 0.9)
        XCTAssertEqual(axis.fraction(0.13), 0)
        XCTAssertEqual(axis.fraction(0.9), 1)
        let ticks = axis.ticks(count: 5)
        XCTAssertEqual(ticks.count, 4)
        for (t, expected) in zip(ticks, [0.2, 0.4, 0.6, 0.8]) { XCTAssertEqual(t, expected, accuracy: 1e-12) }
        XCTAssertEqual(PlotAxis(values: [0, 1000]).ticks(count: 5), [0, 200, 400, 600, 800, 1000])
        XCTAssertEqual(PlotAxis(values: [3, 3]).low, 1.5)
    }

    func testLogAxisTicksAreDecades() {
        let axis = PlotAxis(values: [0.5, 20, 3000, -1], logarithmic: true)
        XCTAssertEqual(axis.low, 0.5)
        XCTAssertEqual(axis.ticks(count: 5), [1, 10, 100, 1000])
        XCTAssertEqual(axis.fraction(3000), 1, accuracy: 1e-12)
        XCTAssertEqual(axis.fraction((0.5 * 3000).squareRoot()), 0.5, accuracy: 1e-12)
    }

    /// The drawn polyline's points: "x,y x,y …" of the series at `index`.
    private func polyline(_ svg: String, _ index: Int) -> [(Double, Double)] {
        let lines = svg.split(separator: "\n").filter { $0.hasPrefix("<polyline") }
        let points = lines[index].split(separator: "\"").drop { !$0.hasSuffix("points=") }.dropFirst().first!
        return points.split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0)! }
            return (xy[0], xy[1])
        }
    }

    func testSVGMapsDataExtremesToThePlotBox() {
        let figure = SVGFigure(title: "cos(δ) <DFA & FDFA>", xLabel: "step", yLabel: "cosine", series: [
            PlotSeries(name: "DFA", x: [0, 50, 100], y: [0.1, 0.2, 0.15]),
            PlotSeries(name: "FDFA", x: [0, 50, 100], y: [0, 0.5, 0.9]),
        ])
        let svg = figure.render(), box = figure.plotBox
        let fdfa = polyline(svg, 1)
        XCTAssertEqual(fdfa.count, 3)
        XCTAssertEqual(fdfa[0].0, box.x, accuracy: 0.01)
        XCTAssertEqual(fdfa[0].1, box.y + box.height, accuracy: 0.01, "the minimum sits on the bottom edge")
        XCTAssertEqual(fdfa[2].0, box.x + box.width, accuracy: 0.01)
        XCTAssertEqual(fdfa[2].1, box.y, accuracy: 0.01, "the maximum sits on the top edge")
        XCTAssertEqual(polyline(svg, 0)[1].1, box.y + box.height * (1 - 0.2 / 0.9), accuracy: 0.01)
        XCTAssertEqual(svg.components(separatedBy: "class=\"ytick\"").count - 1, figure.yAxis.ticks(count: 5).count)
        XCTAssertTrue(svg.contains(">0.8</text>") && svg.contains(">100</text>"))
        XCTAssertTrue(svg.contains("cos(δ) &lt;DFA &amp; FDFA&gt;"), "the title is escaped")
        XCTAssertTrue(svg.contains(">FDFA</text>"), "legend")
    }

    func testSVGRasterisesWhenAToolIsAtHand() throws {
        let dir = try temporaryDirectory(self).path
        let figure = SVGFigure(title: "t", xLabel: "x", yLabel: "y", series: [PlotSeries(name: "a", values: [1, 3, 2])])
        try figure.write(to: dir + "/f.svg")
        let tool = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        try XCTSkipIf(tool == nil, "rsvg-convert is not installed (scripts/test installs librsvg2-bin)")
        XCTAssertTrue(SVGFigure.rasterise(svg: dir + "/f.svg", png: dir + "/f.png"), "rsvg-convert refused the figure")
        let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/f.png"))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    func testTerminalPlotPlacesExtremesInTheCorners() {
        let plot = TerminalPlot(series: [PlotSeries(name: "rising", x: [0, 10], y: [-1, 1])], title: "t", width: 10, height: 4)
        let lines = plot.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "t")
        XCTAssertEqual(lines[1], " 1 ┤⠀⠀⠀⠀⠀⠀⠀⢀⠤⠊", "maximum at the top right (dot 4 of the last cell)")
        XCTAssertEqual(lines[4], "-1 ┤⡠⠒⠁⠀⠀⠀⠀⠀⠀⠀", "minimum at the bottom left (dot 7 of the first cell)")
        XCTAssertEqual(lines[5], "   └──────────")
        XCTAssertEqual(lines[6], "    0       10", "the range under the first and last cells")
        XCTAssertEqual(lines[7], "    ⣿ rising")
    }

    func testTerminalPlotColoursEachSeries() {
        let plot = TerminalPlot(series: [PlotSeries(name: "a", values: [0, 1]), PlotSeries(name: "b", values: [1, 0])],
                                width: 8, height: 3, colored: true)
        let text = plot.render()
        XCTAssertTrue(text.contains("\u{1B}[34m⣿\u{1B}[0m a") && text.contains("\u{1B}[31m⣿\u{1B}[0m b"))
    }

    func testPlainPlotsGiveEachSeriesItsOwnMarker() {
        let plot = TerminalPlot(series: [PlotSeries(name: "a", values: [0, 1]), PlotSeries(name: "b", values: [1, 0]),
                                         PlotSeries(name: "c", values: [0.5, 0.5])], width: 8, height: 3)
        let text = plot.render()
        XCTAssertTrue(text.hasSuffix("⣿ a   • b   × c"), text)
        XCTAssertTrue(text.contains("•") && text.contains("×") && text.contains("⠀"), text)
    }

    func testAxisLabelsAndYLimits() {
        var plot = TerminalPlot(series: [PlotSeries(name: "loss", x: [10, 20], y: [1, 1e300])], width: 10, height: 4)
        (plot.xLabel, plot.yLabel, plot.yLimits) = ("epoch", "loss", (0, 4))
        let lines = plot.render().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "loss")
        XCTAssertTrue(lines[1].hasPrefix("4 ┤") && lines[4].hasPrefix("0 ┤"), lines.joined(separator: "\n"))
        XCTAssertEqual(lines[6], "   10      20")
        XCTAssertEqual(lines[7], "     epoch")
    }

    /// A span beyond the largest double (1e308 - -1e308) used to give NaN positions and no end.
    func testValuesNearTheLargestDoublePlot() {
        let series = [PlotSeries(name: "huge", values: [1e308, -1e308, 0])]
        let lines = TerminalPlot(series: series, width: 10, height: 4).render().split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix(" 1e+308 ┤") && lines[3].hasPrefix("-1e+308 ┤"), lines.joined(separator: "\n"))
        let axis = PlotAxis(values: [1e308, -1e308])
        XCTAssertEqual(axis.fraction(0), 0.5)
        XCTAssertFalse(axis.ticks(count: 5).isEmpty)
        XCTAssertTrue(axis.ticks(count: 5).allSatisfy(\.isFinite))
        XCTAssertTrue(SVGFigure(title: "", xLabel: "", yLabel: "", series: series).render().contains("<polyline"))
    }
}
