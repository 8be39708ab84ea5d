import CBLAS

/// The few OpenBLAS calls the engine makes, with Swift-friendly arguments (row-major everywhere).
public enum BLAS {
    /// OpenBLAS's thread count (it runs its own pthreads pool for large GEMMs).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The shape of one sgemm call, as the benchmark records it to time the GEMM floor of a step.
    public struct GemmShape: Hashable {
        public let transposeA: Bool, transposeB: Bool
        public let m: Int, n: Int, k: Int
    }

    /// When set, every `gemm` call reports its shape here first (the benchmark's GEMM floor).
    nonisolated(unsafe) public static var recorder: ((GemmShape) -> Void)?

    /// C (m×n) = alpha · op(A) · op(B) + beta · C, row-major, with op(A) m×k and op(B) k×n.
    /// `lda`, `ldb`, `ldc` default to the tight strides of the stored (untransposed) matrices.
    @inline(__always)
    public static func gemm(
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, beta: Float = 0,
        lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        recorder?(GemmShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k))
        if k == 0 {
            // op(A)·op(B) is empty: C = beta · C (BLAS would do the same; some builds do not).
            for i in 0 ..< m { for j in 0 ..< n { c[i * (ldc ?? n) + j] *= beta } }
            return
        }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda ?? (transposeA ? m : k)),
            b, Int32(ldb ?? (transposeB ? k : n)),
            beta, c, Int32(ldc ?? n)
        )
    }

    /// Dot product of two length-n vectors.
    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }

    /// y += alpha · x.
    @inline(__always)
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }
}
