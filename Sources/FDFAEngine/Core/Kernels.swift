/// Small elementwise kernels shared by the layers: plain loops over raw buffers, one job each.

/// y[r, c] += v[c] for every row r of a rows×columns matrix (split by rows over the threads when
/// large, as in an evaluation pass; a training batch's 64 rows stay on one thread).
@inline(__always)
func addRowVector(_ v: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    parallelFor(rows, valuesEach: columns) { range in
        for r in range {
            let row = y + r * columns
            for c in 0 ..< columns { row[c] += v[c] }
        }
    }
}

/// out[c] = Σ_r x[r, c] for a rows×columns matrix.
@inline(__always)
func sumRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
    out.update(repeating: 0, count: columns)
    for r in 0 ..< rows {
        let row = x + r * columns
        for c in 0 ..< columns { out[c] += row[c] }
    }
}

/// Number of elements below which elementwise loops stay on one thread (thread hand-off costs more).
public let elementwiseGrain = 1 << 15

/// `parallelFor` over `n` items (rows, channels, samples) of `valuesEach` values each: split over
/// the threads only when every thread gets at least `grain` values.
@inline(__always)
public func parallelFor(_ n: Int, valuesEach: Int, grain: Int = elementwiseGrain, _ body: (Range<Int>) -> Void) {
    parallelFor(n, minimumPerThread: max(1, grain / max(valuesEach, 1)), body)
}
