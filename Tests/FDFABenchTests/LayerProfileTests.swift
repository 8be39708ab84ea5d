import Foundation
import XCTest
@testable import FDFABench
@testable import FDFAEngine

/// `fdfa bench --layers`: one row per layer, in the network's order, with its maps' times and the
/// FLOPs of its products; measuring leaves the network's parameters and running estimates alone.
final class LayerProfileTests: XCTestCase {
    func testOneRowPerLayerWithItsProducts() throws {
        let net = try Network(inputShape: [4], specs: [.linear(outputs: 6), .batchNorm, .relu, .linear(outputs: 3)], seed: 1)
        let weights = net.layers[0].parameters[0].value.data.pointee
        let running = (net.layers[1] as! BatchNorm).runningMean.data.pointee
        let profile = LayerProfile(net, batch: 5, warmup: 1, repeats: 3)

        XCTAssertEqual(profile.rows.map(\.layer), net.layers.map(\.description))
        XCTAssertEqual(profile.rows.map(\.index), [1, 2, 3, 4])
        // Worked by hand: 2 · batch · inputs · outputs for a Linear's forward; its adjoint makes the
        // weight gradient, and the input gradient too above the first layer.
        let first: Double = 2 * 5 * 4 * 6, last: Double = 2 * 5 * 6 * 3
        XCTAssertEqual(profile.rows.map(\.forwardFlops), [first, 0, 0, last])
        XCTAssertEqual(profile.rows.map(\.adjointFlops), [first, 0, 0, 2 * last])
        for r in profile.rows {
            XCTAssertTrue([r.forward, r.tangent, r.adjoint].allSatisfy { $0.isFinite && $0 >= 0 }, "\(r.layer)")
        }
        XCTAssertEqual(net.layers[0].parameters[0].value.data.pointee, weights)
        XCTAssertEqual((net.layers[1] as! BatchNorm).runningMean.data.pointee, running)

        let table = profile.table(peakFlopsPerSecond: 1e10)
        XCTAssertEqual(table.count, net.layers.count + 2)
        XCTAssertTrue(table[1].contains("1 Linear(4 → 6)"), table[1])
        XCTAssertTrue(table[2].hasSuffix("-         -         -"), "no products, no rate: \(table[2])")

        let lines = profile.json(.init(arch: "fc2", rule: .bp, batch: 5))
        XCTAssertEqual(lines.count, 4)
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual(object["name"] as? String, "Linear(4 → 6)")
        XCTAssertEqual(object["forward_flops"] as? Double, first)
    }

    /// The first layer with parameters computes no input gradient, wherever it stands (after a
    /// Flatten here), as in training: its adjoint's FLOPs are the weight gradient's alone.
    func testNoInputGradientBelowTheFirstLayerWithParameters() throws {
        let net = try Network(inputShape: [1, 2, 2], specs: [.flatten, .linear(outputs: 6), .relu, .linear(outputs: 3)], seed: 1)
        let profile = LayerProfile(net, batch: 5, warmup: 0, repeats: 1)
        let first: Double = 2 * 5 * 4 * 6, last: Double = 2 * 5 * 6 * 3
        XCTAssertEqual(profile.rows.map(\.adjointFlops), [0, first, 0, 2 * last])
    }
}
