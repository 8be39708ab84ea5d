import Foundation
import FDFAEngine

/// How an estimate compares with the quantity it estimates: the three numbers of docs/reference.md#analysis.
///
/// A list of tensors is one flat vector (a layer's weight and bias together, every tap's signal over
/// the batch), so a layer's gradient is compared as a whole. Sums run in Double: the vectors have
/// up to millions of float elements and the cosines of interest can be small.
public struct Comparison: Equatable, CustomStringConvertible {
    /// cos(estimate, truth); 0 when either is the zero vector (no direction, so no alignment: this is
    /// what DKP and FDFA report at the start, when B_l = 0).
    public let cosine: Double
    /// ‖estimate‖ / ‖truth‖ (infinite when the truth is zero and the estimate is not).
    public let normRatio: Double
    /// ‖estimate − truth‖².
    public let squaredDistance: Double
    /// ‖truth‖², the scale `squaredDistance` is relative to.
    public let truthNormSquared: Double
    /// ‖estimate‖² = 0: the estimate has no direction, so `cosine` is 0 by convention, not because
    /// the two are orthogonal.
    public let estimateIsZero: Bool

    public init(estimate: [Tensor], truth: [Tensor]) {
        precondition(estimate.count == truth.count, "\(estimate.count) tensors against \(truth.count)")
        var dot: Double = 0, ee: Double = 0, tt: Double = 0
        for (a, b) in zip(estimate, truth) {
            precondition(a.count == b.count, "comparing \(a.shape) with \(b.shape)")
            let p = a.data, q = b.data
            for i in 0 ..< a.count {
                let x = Double(p[i]), y = Double(q[i])
                dot += x * y
                ee += x * x
                tt += y * y
            }
        }
        cosine = ee > 0 && tt > 0 ? dot / (ee * tt).squareRoot() : 0
        normRatio = tt > 0 ? (ee / tt).squareRoot() : (ee > 0 ? .infinity : 1)
        squaredDistance = max(ee - 2 * dot + tt, 0)
        truthNormSquared = tt
        estimateIsZero = ee == 0
    }

    /// ‖estimate − truth‖² / ‖truth‖²: the error on a scale that compares across layers and widths.
    public var relativeSquaredDistance: Double { squaredDistance / truthNormSquared }

    public init(estimate: Tensor, truth: Tensor) { self.init(estimate: [estimate], truth: [truth]) }

    /// The cosine as reports show it: "0.9876", or "zero (no direction)" for a zero estimate of a
    /// nonzero truth, whose cosine of 0 would read as "orthogonal".
    public var cosineText: String {
        estimateIsZero && truthNormSquared > 0 ? "zero (no direction)" : cosine.formatted(digits: 4)
    }

    /// "cos 0.9876, norm ratio 1.01", or "zero (no direction), norm ratio 0".
    public var description: String {
        (estimateIsZero && truthNormSquared > 0 ? "" : "cos ") + "\(cosineText), norm ratio \(normRatio.formatted(digits: 4))"
    }
}

/// The cosine similarity of two tensors of the same size, seen as flat vectors (0 if either is zero).
public func cosine(_ a: Tensor, _ b: Tensor) -> Double { Comparison(estimate: a, truth: b).cosine }

extension Double {
    /// Compact text for reports, CSV cells and axis labels: `digits` significant digits, %g style.
    public func formatted(digits: Int) -> String {
        if isNaN { return "nan" }
        if isInfinite { return self > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)g", self)
    }
}
