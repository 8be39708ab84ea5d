import CKernels
import XCTest
@testable import FDFAEngine

/// The two GEMM libraries compute the same products (checked against a double-precision reference),
/// and the benchmark's physical floor counts a step's FLOPs and the machine's peak correctly.
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

    /// The FMA loop reports 2 FLOPs per lane per chain per iteration, and the measured peak is a
    /// positive rate that a product cannot beat by much.
    func testPeakLoopCountsItsOperations() {
        var sink: Float = 0
        let lanes = Double(fdfa_cpu_vector_bits() / 32)
        XCTAssertEqual(fdfa_fma_loop(1000, &sink), 2 * 12 * lanes * 1000)
        XCTAssertTrue(sink.isFinite)
        let peak = Benchmark.peakFlopsPerSecond(trials: 2, iterations: 50_000)
        XCTAssertGreaterThan(peak, 1e8)
    }

    /// A BP step of 4-6-5-3 (no BatchNorm, batch 2) makes, worked by hand: three forward products
    /// (2·4·6, 2·6·5, 2·5·3 multiply-adds), three weight gradients (the same sizes), and the input
    /// gradients of the two upper layers (2·5·3 and 2·6·5; the first layer's is not needed).
    func testStepFlopsAreTheProductsMultiplyAdds() throws {
        let net = try Network(inputShape: [4], specs: [.linear(outputs: 6), .relu, .linear(outputs: 5), .relu, .linear(outputs: 3)], seed: 1)
        let trainer = try Trainer(network: net, rule: .bp, seed: 1)
        var shapes: [BLAS.GemmShape] = []
        let lock = NSLock()
        BLAS.recorder = { s in lock.withLock { shapes.append(s) } }
        defer { BLAS.recorder = nil }
        let images = Tensor(zeros: [2, 4])
        var rng = Random(seed: 3)
        rng.fillNormal(images)
        try trainer.step(images: images, labels: [0, 2])
        let multiplyAdds = 2 * (4 * 6 + 6 * 5 + 5 * 3) * 2 + 2 * (5 * 3 + 6 * 5)
        XCTAssertEqual(Benchmark.flops(of: shapes), Double(2 * multiplyAdds))
    }
}
