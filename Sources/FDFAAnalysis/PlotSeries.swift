/// One named line of a plot: y against x, point by point.
public struct PlotSeries: Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// A shaded band around the line (e.g. mean ± standard deviation over seeds), drawn under it.
    public var band: PlotBand?

    public init(name: String, x: [Double], y: [Double], band: PlotBand? = nil) {
        precondition(x.count == y.count, "\(x.count) x values for \(y.count) y values")
        precondition(band.map { $0.lower.count == x.count && $0.upper.count == x.count } ?? true, "a band needs a bound per x value")
        self.name = name
        self.x = x
        self.y = y
        self.band = band
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

    /// The band's finite points: x with its lower and upper bound.
    var finiteBand: [(x: Double, lower: Double, upper: Double)] {
        guard let band else { return [] }
        return x.indices.map { (x[$0], band.lower[$0], band.upper[$0]) }
            .filter { $0.x.isFinite && $0.lower.isFinite && $0.upper.isFinite }
    }
}

/// The lower and upper bounds of a shaded band, one of each per x value of its series.
public struct PlotBand: Equatable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        self.lower = lower
        self.upper = upper
    }
}
