/// Mean and spread of a stream of numbers without keeping them (Welford's update, stable in one pass).
public struct RunningMoments {
    public private(set) var count = 0
    public private(set) var mean: Double = 0
    private var sumOfSquaredDeviations: Double = 0

    public init() {}

    public mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        sumOfSquaredDeviations += delta * (x - mean)
    }

    /// Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values.
    public var standardDeviation: Double {
        count > 1 ? (sumOfSquaredDeviations / Double(count - 1)).squareRoot() : 0
    }
}
