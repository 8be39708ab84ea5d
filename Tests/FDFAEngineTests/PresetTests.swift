import XCTest
@testable import FDFAEngine

final class PresetTests: XCTestCase {
    func testFullyConnectedParameterCounts() throws {
        let mnist = try Network.fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 1)
        XCTAssertEqual(mnist.parameterCount, 784 * 800 + 800 + 2 * 800 + 800 * 800 + 800 + 2 * 800 + 800 * 10 + 10)
        XCTAssertEqual(mnist.taps.map(\.width), [800, 800])
        let cifar = try Network.fc(input: [3, 32, 32], hidden: [1000, 1000], classes: 10, seed: 1)
        XCTAssertEqual(cifar.parameterCount, 3072 * 1000 + 1000 + 2000 + 1000 * 1000 + 1000 + 2000 + 1000 * 10 + 10)
    }

    func testShallowCNNParameterCountsAndFlatten() throws {
        let mnist = try Network.shallowCNN(input: [1, 28, 28], classes: 10, seed: 1)
        let conv1 = 1 * 15 * 25 + 15, conv2 = 15 * 40 * 25 + 40
        XCTAssertEqual(mnist.parameterCount, conv1 + 30 + conv2 + 80 + 4000 * 128 + 128 + 256 + 128 * 10 + 10)
        XCTAssertEqual(mnist.taps.map(\.inputShape), [[15, 24, 24], [40, 20, 20], [128]])
        XCTAssertEqual(mnist.layers.first { $0 is Flatten }?.outputShape, [4000])
        let cifar = try Network.shallowCNN(input: [3, 32, 32], classes: 10, seed: 1)
        XCTAssertEqual(cifar.layers.first { $0 is Flatten }?.outputShape, [5760])
        XCTAssertEqual(cifar.parameterCount, 3 * 15 * 25 + 15 + 30 + conv2 + 80 + 5760 * 128 + 128 + 256 + 1290)
    }

    func testAlexNetParameterCountsAndShapes() throws {
        let net = try Network.alexNet(classes: 100, seed: 1)
        let convs = [(3, 64, 11), (64, 192, 5), (192, 384, 3), (384, 256, 3), (256, 256, 3)]
            .map { i, o, k in i * o * k * k + o + 2 * o }
            .reduce(0, +)
        let linears = 9216 * 4096 + 4096 + 2 * 4096 + 4096 * 4096 + 4096 + 2 * 4096 + 4096 * 100 + 100
        XCTAssertEqual(net.parameterCount, convs + linears)
        XCTAssertEqual(net.taps.map(\.inputShape), [[64, 27, 27], [192, 13, 13], [384, 13, 13], [256, 13, 13], [9216], [4096], [4096]])
    }

    func testFGWNetworkHasNoBatchNormAndNoTaps() throws {
        let net = try Network.fgw(input: [1, 28, 28], classes: 10, seed: 1)
        XCTAssertEqual(net.parameterCount, 784 * 800 + 800 + 800 * 10 + 10)
        XCTAssertTrue(net.taps.isEmpty)
        XCTAssertFalse(net.layers.contains { $0 is BatchNorm })
    }

    func testMisfittingStacksNameTheLayer() {
        func reason(_ input: [Int], _ specs: [LayerSpec]) -> (Int, String)? {
            do {
                _ = try Network(inputShape: input, specs: specs, seed: 1)
                return nil
            } catch let error as Network.BuildError {
                return (error.layerIndex, error.reason)
            } catch {
                return nil
            }
        }
        let threeConvs: [LayerSpec] = [.conv2d(outputs: 15, kernel: 5), .conv2d(outputs: 15, kernel: 5),
                                       .conv2d(outputs: 15, kernel: 5), .flatten, .linear(outputs: 10)]
        XCTAssertEqual(reason([1, 12, 12], threeConvs)?.0, 2)
        XCTAssertEqual(reason([1, 12, 12], threeConvs)?.1, "input 15×4×4 is smaller than the 5×5 kernel")
        XCTAssertEqual(reason([800], [.conv2d(outputs: 4, kernel: 3), .linear(outputs: 2)])?.1,
                       "expects an image input C×H×W, got 800")
        XCTAssertEqual(reason([2, 4, 4], [.flatten, .maxPool(kernel: 2, stride: 2), .linear(outputs: 2)])?.0, 1)
        XCTAssertEqual(reason([2, 4, 4], [.batchNorm, .flatten, .batchNorm, .maxPool(kernel: 5, stride: 1), .linear(outputs: 2)])?.1,
                       "expects an image input C×H×W, got 32")
        XCTAssertEqual(reason([2, 3, 3], [.maxPool(kernel: 4, stride: 1), .flatten, .linear(outputs: 2)])?.1,
                       "input 2×3×3 is smaller than the 4×4 kernel")
        XCTAssertEqual(reason([1, 28, 28], [.conv2d(outputs: 4, kernel: 3, stride: 0), .flatten, .linear(outputs: 2)])?.1,
                       "needs a stride of at least 1, got 0")
        XCTAssertEqual(reason([3, 8, 8], [.adaptiveAvgPool(height: 0, width: 2), .flatten, .linear(outputs: 2)])?.1,
                       "needs an output of at least 1×1, got 0×2")
        let error = try? Network.shallowCNN(input: [784], classes: 10, seed: 1)
        XCTAssertNil(error)
        XCTAssertThrowsError(try Network.shallowCNN(input: [1, 8, 8], classes: 10, seed: 1)) { e in
            XCTAssertEqual("\(e)", "layer 5 (conv2d(40, k5, s1, p0)) on input 15×4×4: input 15×4×4 is smaller than the 5×5 kernel")
        }
    }
}
