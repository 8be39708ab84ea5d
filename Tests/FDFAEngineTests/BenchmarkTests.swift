import XCTest
@testable import FDFAEngine

/// `fdfa bench`'s GEMM floor: which recorded products it replays together.
final class BenchmarkTests: XCTestCase {
    private func shape(_ m: Int, sideBySide: Bool) -> BLAS.GemmShape {
        BLAS.GemmShape(transposeA: false, transposeB: false, m: m, n: 8, k: 8, sideBySide: sideBySide)
    }

    /// Consecutive side-by-side products form one run (replayed one per thread); a product split
    /// over the threads is a run of its own.
    func testReplayGroupsSideBySideProducts() {
        let replay = Benchmark.GemmReplay([shape(1, sideBySide: false), shape(2, sideBySide: true), shape(3, sideBySide: true),
                                           shape(4, sideBySide: false), shape(5, sideBySide: true)])
        XCTAssertEqual(replay.runs.map { $0.map(\.m) }, [[1], [2, 3], [4], [5]])
        replay.run()
    }

    /// A convolution makes one side-by-side product per sample and map: W (outputs × patch) times
    /// one sample's columns (patch × pixels).
    func testConvolutionRecordsOneSideBySideProductPerSample() throws {
        var rng = Random(seed: 1)
        let layer = try Conv2d(input: [2, 6, 6], outputs: 3, kernel: 3, rng: &rng)
        var shapes: [BLAS.GemmShape] = []
        let lock = NSLock()
        BLAS.recorder = { s in lock.withLock { shapes.append(s) } }
        defer { BLAS.recorder = nil }
        _ = layer.forward(Tensor(zeros: [5, 2, 6, 6]), mode: .training)
        XCTAssertEqual(shapes.count, 5)
        XCTAssertTrue(shapes.allSatisfy { $0.sideBySide && $0.m == 3 && $0.n == 16 && $0.k == 18 })
    }
}
