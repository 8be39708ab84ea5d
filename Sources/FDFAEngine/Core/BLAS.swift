import CBLAS
import CDNNL
import CKernels
import Foundation

/// The few BLAS calls the engine makes, with Swift-friendly arguments (row-major everywhere).
///
/// Products run on one of two libraries (`GemmLibrary`), chosen once at start-up from the CPU;
/// dot and axpy always run on OpenBLAS. Both run single-threaded; `gemm` splits a large product into
/// one block of rows or columns per thread of fdfa's pool. Why: OpenBLAS's own threads spin between
/// calls and take the second core from fdfa's elementwise loops, and for a step's small GEMMs
/// (64 × 800 × 800) one pool for everything is faster as well.
public enum BLAS {
    /// OpenBLAS is told once, before its first call, to use the calling thread only.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// The libraries fdfa can run its matrix products on.
    public enum GemmLibrary: String, CaseIterable {
        /// OpenBLAS, with the kernels it picks for the CPU (or OPENBLAS_CORETYPE's).
        case openblas
        /// oneDNN's sgemm, which generates its kernels for the CPU at hand (AVX-512 where there is
        /// one, which the environment may keep OpenBLAS from using); convolutions then run on
        /// oneDNN's convolution primitives instead of im2col and sgemm (Conv2d).
        case onednn

        /// `FDFA_GEMM` when set to a library's name; otherwise oneDNN on CPUs with AVX-512, where its
        /// kernels beat OpenBLAS's, and OpenBLAS elsewhere.
        public static func choice(environment: [String: String] = ProcessInfo.processInfo.environment) -> GemmLibrary {
            if let name = environment["FDFA_GEMM"], let library = GemmLibrary(rawValue: name.lowercased()) { return library }
            return fdfa_cpu_vector_bits() >= 512 ? .onednn : .openblas
        }
    }

    /// The library that runs `gemm`. Changing it changes how products round, not what they compute.
    nonisolated(unsafe) public static var library = GemmLibrary.choice()

    /// Products below this many multiply-adds run on the calling thread (a hand-off costs more).
    static let splitThreshold = 1 << 18
    /// The shape of one sgemm call, as the benchmark records it to time the GEMM floor of a step.
    public struct GemmShape: Hashable {
        public let transposeA: Bool, transposeB: Bool
        public let m: Int, n: Int, k: Int
        /// Made with `splitOverThreads: false`: one of several products that threads run side by side.
        public let sideBySide: Bool
    }

    /// When set, every `gemm` call reports its shape here first (the benchmark's GEMM floor).
    nonisolated(unsafe) public static var recorder: ((GemmShape) -> Void)?

    /// C (m×n) = alpha · op(A) · op(B) + beta · C, row-major, with op(A) m×k and op(B) k×n.
    /// `lda`, `ldb`, `ldc` default to the tight strides of the stored (untransposed) matrices.
    /// `splitOverThreads: false` keeps a large product on the calling thread, for callers that
    /// already run several products side by side (one per block of samples).
    @inline(__always)
    public static func gemm(
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, beta: Float = 0,
        lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil,
        splitOverThreads: Bool = true
    ) {
        guard m > 0, n > 0 else { return }
        recorder?(GemmShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, sideBySide: !splitOverThreads))
        if k == 0 {
            // op(A)·op(B) is empty: C = beta · C (BLAS would do the same; some builds do not).
            for i in 0 ..< m { for j in 0 ..< n { c[i * (ldc ?? n) + j] *= beta } }
            return
        }
        _ = singleThreaded
        let lda = lda ?? (transposeA ? m : k), ldb = ldb ?? (transposeB ? k : n), ldc = ldc ?? n
        let parts = !splitOverThreads || m * n * k < splitThreshold ? 1 : min(Threads.count, max(m, n) / 32)
        if parts <= 1 {
            sgemm(a, transposeA, lda, b, transposeB, ldb, c, ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
            return
        }
        // One block of C per part, split along its longer side at multiples of 16 (OpenBLAS's tile).
        let long = max(m, n)
        parallelParts(parts) { part, parts in
            let lo = (long * part / parts) & ~15, hi = part == parts - 1 ? long : (long * (part + 1) / parts) & ~15
            guard lo < hi else { return }
            if m >= n {
                let aBlock = transposeA ? a + lo : a + lo * lda
                sgemm(aBlock, transposeA, lda, b, transposeB, ldb, c + lo * ldc, ldc,
                      m: hi - lo, n: n, k: k, alpha: alpha, beta: beta)
            } else {
                let bBlock = transposeB ? b + lo * ldb : b + lo
                sgemm(a, transposeA, lda, bBlock, transposeB, ldb, c + lo, ldc,
                      m: m, n: hi - lo, k: k, alpha: alpha, beta: beta)
            }
        }
    }

    /// One single-threaded sgemm call on `library`, row-major.
    @inline(__always)
    private static func sgemm(
        _ a: UnsafePointer<Float>, _ transposeA: Bool, _ lda: Int,
        _ b: UnsafePointer<Float>, _ transposeB: Bool, _ ldb: Int,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float
    ) {
        if library == .onednn {
            let status = fdfa_dnnl_sgemm(operation(transposeA), operation(transposeB), Int64(m), Int64(n), Int64(k),
                                         alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
            precondition(status == dnnl_success, "dnnl_sgemm failed (status \(status.rawValue)) on \(m)×\(n)×\(k)")
            return
        }
        // OpenBLAS's own beta = 0 pass over C is slower than a memset (a noticeable share of a
        // weight gradient's product, in `fdfa bench`). So C is cleared here and the
        // product accumulates into it, with the same result.
        var beta = beta
        if beta == 0 {
            if ldc == n {
                c.update(repeating: 0, count: m * n)
            } else {
                for row in 0 ..< m { (c + row * ldc).update(repeating: 0, count: n) }
            }
            beta = 1
        }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc)
        )
    }

    /// A BLAS operation letter: "T" (transposed) or "N".
    @inline(__always)
    private static func operation(_ transpose: Bool) -> CChar { CChar(UInt8(ascii: transpose ? "T" : "N")) }

    /// Dot product of two length-n vectors.
    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count n: Int) -> Float {
        _ = singleThreaded
        return cblas_sdot(Int32(n), x, 1, y, 1)
    }

    /// y += alpha · x.
    @inline(__always)
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        _ = singleThreaded
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }
}
