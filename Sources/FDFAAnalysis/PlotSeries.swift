/// One named line of a plot: y against x, point by point.
public struct PlotSeries: Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]

    public init(name: String, x: [Double], y: [Double]) {
        precondition(x.count == y.count, "\(x.count) x values for \(y.count) y values")
        self.name = name
        self.x = x
        self.y = y
    }

    /// y against 0, 1, 2, … (a tensor's elements, a loss curve by step).
    public init(name: String, values: [Double]) {
        self.init(name: name, x: values.indices.map(Double.init), y: values)
    }

    /// The finite points only (a cosine is NaN where a quantity was undefined; plots skip it).
    var finitePoints: [(x: Double, y: Double)] {
        zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }.map { ($0.0, $0.1) }
    }

    /// The points a plot can draw: finite, and with y > 0 on a log scale.
    func drawable(logarithmicY: Bool) -> [(x: Double, y: Double)] {
        finitePoints.filter { !logarithmicY || $0.y > 0 }
    }

    /// Points left out of a plot, by reason: not finite (NaN, ±inf), or y ≤ 0 on a log scale.
    public func undrawable(logarithmicY: Bool) -> (notFinite: Int, notPositive: Int) {
        let finite = finitePoints
        return (x.count - finite.count, logarithmicY ? finite.filter { $0.y <= 0 }.count : 0)
    }
}
