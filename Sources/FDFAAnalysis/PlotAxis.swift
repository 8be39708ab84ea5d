import Foundation

/// One axis of a plot: the data range it spans, linear or logarithmic, and its tick values.
///
/// The range is exactly the data's (no padding to round numbers), so the extremes of the data sit on
/// the edges of the plot box; ticks are the round values (1, 2, 5 × 10^k, or powers of ten on a log
/// axis) that fall inside it. Terminal and SVG plots share it, so both place points identically.
public struct PlotAxis: Equatable {
    public let low: Double
    public let high: Double
    public let logarithmic: Bool

    /// Spans the finite values (the positive ones, on a log axis). A single value gets a small range
    /// around it; no values at all give [0, 1].
    public init(values: [Double], logarithmic: Bool = false) {
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        self.logarithmic = logarithmic
        guard var lo = usable.min(), var hi = usable.max() else {
            (low, high) = logarithmic ? (1, 10) : (0, 1)
            return
        }
        if lo == hi {
            if logarithmic { (lo, hi) = (lo / 2, hi * 2) } else { (lo, hi) = (lo - max(abs(lo), 1) / 2, hi + max(abs(hi), 1) / 2) }
        }
        (low, high) = (lo, hi)
    }

    /// Spans exactly `low` to `high` (limits the user chose), which must be ordered (and positive on a log axis).
    public init(low: Double, high: Double, logarithmic: Bool = false) {
        precondition(low < high && (!logarithmic || low > 0), "bad axis limits \(low), \(high)")
        (self.low, self.high, self.logarithmic) = (low, high, logarithmic)
    }

    /// Where `value` lies along the axis: 0 at `low`, 1 at `high` (outside [0, 1] beyond them).
    /// Values near ±Double.greatestFiniteMagnitude are halved first so that the span stays finite.
    public func fraction(_ value: Double) -> Double {
        if logarithmic { return (log10(value) - log10(low)) / (log10(high) - log10(low)) }
        return (high - low).isFinite ? (value - low) / (high - low) : (value / 2 - low / 2) / (high / 2 - low / 2)
    }

    /// Round values inside the range, about `count` of them (powers of ten on a log axis, falling back
    /// to linear ticks when the range spans less than a decade).
    public func ticks(count: Int = 5) -> [Double] {
        if logarithmic {
            let decades = Int(ceil(log10(low) - 1e-9)) ... Int(floor(log10(high) + 1e-9))
            if decades.count >= 2 {
                let stride = max(1, (decades.count + count - 1) / count)
                return decades.filter { ($0 - decades.lowerBound) % stride == 0 }.map { pow(10, Double($0)) }
            }
        }
        let step = Self.roundStep((high / 2 - low / 2) / Double(max(count - 1, 1)) * 2)
        let first = (low / step).rounded(.up), last = (high / step).rounded(.down)
        guard step.isFinite, step > 0, first <= last, last - first <= Double(10 * count) else { return [] }
        return (Int(first) ... Int(last)).map { Double($0) * step }
    }

    /// The 1, 2 or 5 × 10^k nearest to `raw` on a log scale.
    static func roundStep(_ raw: Double) -> Double {
        let magnitude = pow(10, floor(log10(raw)))
        return [1.0, 2, 5, 10].map { $0 * magnitude }.min { abs(log($0 / raw)) < abs(log($1 / raw)) }!
    }

    /// A tick's text: few digits, no trailing noise ("0.2", "1e+04").
    public static func label(_ value: Double) -> String { abs(value) < 1e-12 ? "0" : value.formatted(digits: 3) }
}
