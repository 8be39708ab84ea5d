import CKernels
import XCTest
@testable import FDFAEngine

/// The two GEMM libraries compute the same products (checked against a double-precision reference).
final class GemmLibraryTests: XCTestCase {
    private func withLibrary<T>(_ library: BLAS.GemmLibrary, _ body: () throws -> T) rethrows -> T {
        let saved = BLAS.library
        BLAS.library = library
        defer { BLAS.library = saved }
        return try body()
    }

    /// Every transpose combination, strides wider than the matrices, alpha and beta, and sizes large
    /// enough to be split over the threads: each library within float rounding of the reference.
    func testBothLibrariesMatchADoublePrecisionReference() {
        var rng = Random(seed: 7)
        var checked = 0
        for (m, n, k) in [(3, 5, 7), (64, 200, 96), (130, 40, 300)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 2, ldc = n + 1
                    let a = Tensor(zeros: [(transposeA ? k : m) * lda]), b = Tensor(zeros: [(transposeB ? n : k) * ldb])
                    let c0 = Tensor(zeros: [m * ldc])
                    rng.fillNormal(a); rng.fillNormal(b); rng.fillNormal(c0)
                    let alpha: Float = 0.75, beta: Float = -0.5
                    var reference = [Double](repeating: 0, count: m * ldc)
                    for i in 0 ..< m {
                        for j in 0 ..< n {
                            var s = 0.0
                            for p in 0 ..< k {
                                let x = transposeA ? a.data[p * lda + i] : a.data[i * lda + p]
                                let y = transposeB ? b.data[j * ldb + p] : b.data[p * ldb + j]
                                s += Double(x) * Double(y)
                            }
                            reference[i * ldc + j] = Double(alpha) * s + Double(beta) * Double(c0.data[i * ldc + j])
                        }
                    }
                    for library in BLAS.GemmLibrary.allCases {
                        let c = c0.copy()
                        withLibrary(library) {
                            BLAS.gemm(a.data, transposeA: transposeA, b.data, transposeB: transposeB, into: c.data,
                                      m: m, n: n, k: k, alpha: alpha, beta: beta, lda: lda, ldb: ldb, ldc: ldc)
                        }
                        for i in 0 ..< m {
                            for j in 0 ..< n {
                                let r = reference[i * ldc + j]
                                XCTAssertEqual(Double(c.data[i * ldc + j]), r, accuracy: 1e-4 * (Double(k).squareRoot() + abs(r)),
                                               "\(library) \(m)×\(n)×\(k) tA \(transposeA) tB \(transposeB) at (\(i), \(j))")
                            }
                            // The padding between rows is not written.
                            XCTAssertEqual(c.data[i * ldc + n], c0.data[i * ldc + n])
                        }
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, 3 * 4 * BLAS.GemmLibrary.allCases.count)
    }

    func testLibraryChoiceFollowsTheEnvironmentThenTheCPU() {
        XCTAssertEqual(BLAS.GemmLibrary.choice(environment: ["FDFA_GEMM": "OpenBLAS"]), .openblas)
        XCTAssertEqual(BLAS.GemmLibrary.choice(environment: ["FDFA_GEMM": "onednn"]), .onednn)
        let cpuDefault: BLAS.GemmLibrary = fdfa_cpu_vector_bits() >= 512 ? .onednn : .openblas
        XCTAssertEqual(BLAS.GemmLibrary.choice(environment: [:]), cpuDefault)
        XCTAssertEqual(BLAS.GemmLibrary.choice(environment: ["FDFA_GEMM": "mkl"]), cpuDefault)
    }

    /// The vector width read from the CPU agrees with the flags the kernel reports in /proc/cpuinfo.
    func testVectorWidthMatchesTheKernelsCPUFlags() throws {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { throw XCTSkip("no /proc/cpuinfo flags line on this system") }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let expected = flags.contains("avx512f") ? 512 : flags.contains("avx2") && flags.contains("fma") ? 256 : 128
        XCTAssertEqual(Int(fdfa_cpu_vector_bits()), expected)
    }
}
