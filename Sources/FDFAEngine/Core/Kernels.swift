/// Small elementwise kernels shared by the layers: plain loops over raw buffers, one job each.

/// y[r, c] += v[c] for every row r of a rows×columns matrix.
@inline(__always)
func addRowVector(_ v: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for r in 0 ..< rows {
        let row = y + r * columns
        for c in 0 ..< columns { row[c] += v[c] }
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
let elementwiseGrain = 1 << 15
