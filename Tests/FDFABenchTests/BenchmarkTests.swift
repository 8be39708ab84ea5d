import CKernels
import XCTest
@testable import FDFABench
@testable import FDFAEngine

/// `fdfa bench`'s floors: which recorded products its library floor replays together, and how its
/// physical floor counts a step's FLOPs and the machine's peak.
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
