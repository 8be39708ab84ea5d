import XCTest
import FDFAEngine
@testable import FDFAAnalysis

final class JacobianTests: XCTestCase {
    func testLinearNetworkHasWeightProductJacobians() throws {
        let net = Fixtures.linearNet()
        let (x, _) = Fixtures.problem(samples: 4)
        let w2 = (net.layers[2] as! Linear).weight.value, w3 = net.outputLayer.weight.value
        for method in [Jacobian.Method.perSample, .perClass] {
            let j = try Jacobian.batchMean(net, images: x, method: method)
            XCTAssertEqual(j[1].shape, [3, 4])
            for (a, b) in zip(j[1].array, w3.array) { XCTAssertEqual(a, b, accuracy: 1e-6) }
            for (a, b) in zip(j[0].array, Fixtures.product(w3, w2)) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        }
    }

    func testClassPassesAreExactWhenNoLayerCouplesSamples() throws {
        let net = Fixtures.reluNet()
        let (x, _) = Fixtures.problem(samples: 5)
        XCTAssertEqual(Jacobian.exactMethod(for: net), .perClass)
        let exact = try Jacobian.batchMean(net, images: x, method: .perSample)
        let cheap = try Jacobian.batchMean(net, images: x, method: .perClass)
        for (a, b) in zip(exact, cheap) {
            for (p, q) in zip(a.array, b.array) { XCTAssertEqual(p, q, accuracy: 1e-6) }
        }
    }

    /// Under BatchNorm the class passes add the cross-sample blocks, which the per-sample passes omit.
    func testBatchNormNeedsPerSamplePasses() throws {
        let net = Fixtures.batchNormNet()
        let (x, _) = Fixtures.problem(samples: 5)
        XCTAssertEqual(Jacobian.exactMethod(for: net), .perSample)
        let exact = try Jacobian.batchMean(net, images: x)
        let cheap = try Jacobian.batchMean(net, images: x, method: .perClass)
        // Tap 2 feeds the output layer directly: no BatchNorm above it, so both agree there.
        for (p, q) in zip(exact[1].array, cheap[1].array) { XCTAssertEqual(p, q, accuracy: 1e-6) }
        XCTAssertLessThan(cosine(exact[0], cheap[0]), 0.999)
    }
}
