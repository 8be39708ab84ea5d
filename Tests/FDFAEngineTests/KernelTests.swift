import CKernels
import Foundation
import XCTest
@testable import FDFAEngine

/// The C kernels against published values and independent Swift computations.
final class KernelTests: XCTestCase {
    /// Tensors of 2 MiB and more start on a huge-page boundary, smaller ones on a cache line.
    func testTensorBuffersAreZeroedAndAligned() {
        for count in [1, 1000, (1 << 19) - 1, 1 << 19, 640_000] {
            let t = Tensor(zeros: [count])
            let address = Int(bitPattern: t.data)
            let huge = count * 4 >= 1 << 21
            XCTAssertEqual(address % (huge ? 1 << 21 : 64), 0, "\(count) floats")
            XCTAssertTrue(t.array.allSatisfy { $0 == 0 }, "\(count) floats")
            t.data[count - 1] = 1   // the whole buffer is writable
        }
    }

    /// Known-answer tests of Random123's Philox-4x32-10 (kat_vectors).
    func testPhiloxKnownAnswers() {
        func philox(_ counter: [UInt32], _ key: [UInt32]) -> [UInt32] {
            var out = [UInt32](repeating: 0, count: 4)
            fdfa_philox4x32(counter, key, &out)
            return out
        }
        XCTAssertEqual(philox([0, 0, 0, 0], [0, 0]), [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8])
        XCTAssertEqual(philox([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [0xFFFF_FFFF, 0xFFFF_FFFF]),
                       [0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD])
        XCTAssertEqual(philox([0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344], [0xA409_3822, 0x299F_31D0]),
                       [0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x24126EA1])
    }

    func testFillsAgreeWithTheBlockStream() {
        var r = Random(seed: 77)
        let u = Tensor(zeros: [10])
        r.fillUniform(u, low: -1, high: 1)
        XCTAssertEqual(r.counter, 3)
        var w = [UInt32](repeating: 0, count: 4)
        for i in 0 ..< 10 {
            fdfa_philox(77, UInt64(i / 4), &w)
            XCTAssertEqual(u.data[i], -1 + 2 * Float(w[i % 4] >> 8) * 0x1p-24)
        }
    }

    /// The normal fill against Box–Muller on the block stream computed here, for lengths around
    /// the fill's groups of 32 (stored whole) and their tails: block b's words (w0, w1) give
    /// normals 4b and 4b + 1, (w2, w3) give 4b + 2 and 4b + 3. (Within float rounding: the fill's
    /// polynomials may be compiled with fused multiply-adds, the exposed ones without.)
    func testNormalFillIsBoxMullerOnTheBlockStream() {
        for n in [1, 3, 4, 5, 31, 32, 33, 64, 100] {
            let x = Tensor(zeros: [n])
            fdfa_fill_normal(x.data, n, 5, 1000)
            var w = [UInt32](repeating: 0, count: 4)
            for i in 0 ..< n {
                fdfa_philox(5, 1000 + UInt64(i / 4), &w)
                let first = w[i % 4 / 2 * 2], second = w[i % 4 / 2 * 2 + 1]
                let radius = (-2 * fdfa_log(Float((first >> 8) + 1) * 0x1p-24)).squareRoot()
                var sine: Float = 0, cosine: Float = 0
                fdfa_sincos_2pi(Float(second >> 8) * 0x1p-24, &sine, &cosine)
                let z = radius * (i % 2 == 0 ? cosine : sine)
                XCTAssertEqual(x.data[i], z, accuracy: 1e-5 * max(1, abs(z)), "n \(n), normal \(i)")
            }
        }
    }

    func testPolynomialLogAndSinCosAgainstLibm() {
        var worstLog: Float = 0, worstSin: Float = 0, worstCos: Float = 0
        for i in 1 ... 20000 {
            let x = Float(i) / 20000
            worstLog = max(worstLog, abs(fdfa_log(x) - logf(x)))
            let t = Float(i - 1) / 20000
            var s: Float = 0, c: Float = 0
            fdfa_sincos_2pi(t, &s, &c)
            worstSin = max(worstSin, abs(s - sinf(2 * .pi * t)))
            worstCos = max(worstCos, abs(c - cosf(2 * .pi * t)))
        }
        XCTAssertLessThan(worstLog, 2e-6)
        XCTAssertLessThan(worstSin, 2e-6)
        XCTAssertLessThan(worstCos, 2e-6)
        XCTAssertEqual(fdfa_log(0x1p-24), logf(0x1p-24), accuracy: 1e-5)
    }

    func testAdamKernelAgainstTheFormula() {
        var rng = Random(seed: 5)
        let n = 1001
        let p = LayerCheck.normal([n], &rng), g = LayerCheck.normal([n], &rng)
        let m = LayerCheck.normal([n], &rng), v = Tensor(zeros: [n])
        rng.fillUniform(v, low: 0, high: 2)
        let (p0, m0, v0) = (p.array, m.array, v.array)
        fdfa_adam(p.data, g.data, m.data, v.data, n, 0.9, 0.999, 0.01, 0.003, 0.2, 1e-8)
        for i in 0 ..< n {
            let gi = Double(g.data[i]) + 0.01 * Double(p0[i])
            let mi = 0.9 * Double(m0[i]) + 0.1 * gi
            let vi = 0.999 * Double(v0[i]) + 0.001 * gi * gi
            let pi = Double(p0[i]) - 0.003 * mi / (vi.squareRoot() / 0.2 + 1e-8)
            XCTAssertEqual(Double(m.data[i]), mi, accuracy: 1e-6 * max(1, abs(mi)))
            XCTAssertEqual(Double(v.data[i]), vi, accuracy: 1e-6 * max(1, abs(vi)))
            XCTAssertEqual(Double(p.data[i]), pi, accuracy: 1e-6 * max(1, abs(pi)))
        }
    }

    /// The plane sums against double-precision sums, for lengths around the eight lanes.
    func testPlaneSumsAgainstDoublePrecision() {
        var rng = Random(seed: 12)
        for n in [0, 1, 7, 8, 9, 17, 400, 577] {
            let x = Tensor(zeros: [max(n, 1)]), h = Tensor(zeros: [max(n, 1)])
            rng.fillNormal(x)
            rng.fillNormal(h)
            let mean: Float = 0.3
            var sum = 0.0, squares = 0.0, dot = 0.0, scale = 0.0
            for i in 0 ..< n {
                let v = Double(x.data[i]), d = v - Double(mean)
                sum += v
                squares += d * d
                dot += v * Double(h.data[i])
                scale += abs(v) + d * d + abs(v * Double(h.data[i]))
            }
            let tolerance = 1e-6 * max(1, scale)
            XCTAssertEqual(Double(fdfa_plane_sum(x.data, n)), sum, accuracy: tolerance, "n \(n)")
            XCTAssertEqual(Double(fdfa_plane_squared_deviation(x.data, n, mean)), squares, accuracy: tolerance, "n \(n)")
            var s: Float = .nan, p: Float = .nan
            fdfa_plane_sum_and_dot(x.data, h.data, n, &s, &p)
            XCTAssertEqual(Double(s), sum, accuracy: tolerance, "n \(n)")
            XCTAssertEqual(Double(p), dot, accuracy: tolerance, "n \(n)")
        }
    }

    /// The masked sums are the plain sums of v ⊙ [mask > 0] (a ReLU's adjoint), bit for bit.
    func testMaskedPlaneSumsAreTheSumsOfTheMaskedValues() {
        var rng = Random(seed: 13)
        for n in [1, 7, 8, 9, 17, 400, 577] {
            let v = Tensor(zeros: [n]), mask = Tensor(zeros: [n]), h = Tensor(zeros: [n]), masked = Tensor(zeros: [n])
            rng.fillNormal(v)
            rng.fillNormal(mask)
            rng.fillNormal(h)
            mask.data[0] = .nan
            for i in 0 ..< n { masked.data[i] = mask.data[i] > 0 ? v.data[i] : 0 }
            var s: Float = .nan, p: Float = .nan, ms: Float = .nan, mp: Float = .nan
            fdfa_plane_sum_and_dot(masked.data, h.data, n, &s, &p)
            fdfa_plane_masked_sum_and_dot(v.data, mask.data, h.data, n, &ms, &mp)
            XCTAssertEqual(ms.bitPattern, s.bitPattern, "n \(n)")
            XCTAssertEqual(mp.bitPattern, p.bitPattern, "n \(n)")
        }
    }
}
