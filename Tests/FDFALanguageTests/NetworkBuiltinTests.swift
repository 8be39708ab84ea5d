@testable import FDFALanguage
import FDFATestSupport
import XCTest

/// Presets, custom stacks, the fields of networks, layers and taps, and writing parameters.
final class NetworkBuiltinTests: XCTestCase {
    func testPresetAndItsSummary() throws {
        let out = try output("net = fc(784, [32], 10, seed=1)\ninfo(net)\nprint(net.parameter_count, len(net.params), net.rule)")
        XCTAssertTrue(out.hasPrefix("network fc: 784 → 10 classes, 6 layers, 25514 parameters, rule FDFA, 0 steps\n"), out)
        XCTAssertTrue(out.contains("    2  Linear(784 → 32)           32           25120\n"), out)
        XCTAssertTrue(out.contains("    5  Tap 1                      32\n"), out)
        XCTAssertTrue(out.hasSuffix("25514 6 FDFA\n"), out)
    }

    func testPresetsFromADataSet() throws {
        let out = try output("""
            data = load("synthetic", shape=[1, 12, 12], classes=3, train=8, test=8)
            print(fc(data, [8]).input_shape, fc(data, [8]).classes, cnn(data).classes, fgw_net(data, [8]).rule, len(fgw_net(data).taps))
            """)
        XCTAssertEqual(out, "[1, 12, 12] 3 3 FG-W 0\n")
    }

    func testCustomStackAndShapeErrorsNameTheLayer() throws {
        let c = Captured()
        XCTAssertEqual(try c.run("net = stack([1, 8, 8], conv(4, 3), bn(), relu, tap(), maxpool(2), flatten(), linear(5))\nprint(net.layer(7).input_shape, len(net.taps))"),
                       "[36] 1\n")
        XCTAssertTrue(c.error("stack([1, 8, 8], linear(5))").contains("stack: layer 1 (linear(5)) on input 1×8×8: expects a flat vector of features, got 1×8×8; add flatten first"))
        XCTAssertTrue(c.error("stack([4], linear(3), relu)").contains("must end in a linear output layer"))
        XCTAssertTrue(c.error("stack([4], linear(3), 7)").contains("layer 2 is a number, not a layer spec"))
        XCTAssertTrue(c.error("fc(\"x\")").contains("fc: 'input' must be a dataset, a feature count or a shape, got a string"))
    }

    func testParameterFieldsAreCopiesAndSetParamWrites() throws {
        let out = try output("""
            net = fc(4, [3], 2, seed=0)
            w = net.layer(2).W
            w[0, 0] = 100
            print(net.layer(2).W[0, 0] == 100, w.shape, net.layer(2).b.shape)
            set_param(net.layer(2), "W", zeros(3, 4))
            print(sum(abs(net.layer(2).W)), sum(abs(net.params[0])))
            """)
        XCTAssertEqual(out, "false [3, 4] [3]\n0 0\n")
    }

    func testTapsAndFeedbackUnderDFA() throws {
        let c = Captured()
        XCTAssertEqual(try c.run("net = fc(6, [5, 4], 3)\nconfigure net, rule=\"BP\"\nprint(net.tap(1).B)\nconfigure net, rule=\"DFA\"\nprint(net.tap(2).B.shape, net.tap(1).width, net.tap(1).u)"),
                       "none\n[3, 4] 5 none\n")
        XCTAssertEqual(try c.run("set_param(net.tap(1), \"B\", ones(3, 5))\nprint(sum(net.tap(1).B))"), "15\n")
        XCTAssertTrue(c.error("net.tap(3)").contains("the network has taps 1 to 2, not 3"))
        XCTAssertTrue(c.error("net.layer(0)").contains("the network has layers 1 to 10, not 0"))
        XCTAssertTrue(c.error("set_param(net.layer(2), \"W\", ones(2))").contains("'W' has shape [5, 6]; the value has shape [2]"))
        XCTAssertTrue(c.error("set_param(net.layer(1), \"W\", ones(2))").contains("layer 1 (Flatten) has no parameter 'W'"))
        XCTAssertTrue(c.error("set_params(net, [ones(2)])").contains("'values' has 1 tensors; the network has 10 parameter tensors"))
    }

    func testSummaryOfANetworkAndDumpOfItsTensors() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("b.npy").path
        let c = Captured()
        try c.run("net = fc(6, [5], 3)\nconfigure net, rule=\"DFA\"")
        XCTAssertEqual(try c.run("summary(net)"), try c.run("info(net)"))
        XCTAssertEqual(try c.run("dump(net.tap(1).B, \"\(path)\")\nprint(load_npy(\"\(path)\") == net.tap(1).B)"),
                       try c.run("print(ones(3, 5))"))
        XCTAssertTrue(c.error("summary(\"x\")").contains("summary: 'x' must be a tensor or a network, got a string"))
    }

    func testSameSeedSameNetwork() throws {
        XCTAssertEqual(try output("seed 4\nprint(sum(fc(5, [3], 2).params[0]))"), try output("seed 4\nprint(sum(fc(5, [3], 2).params[0]))"))
        XCTAssertNotEqual(try output("print(sum(fc(5, [3], 2, seed=1).params[0]))"), try output("print(sum(fc(5, [3], 2, seed=2).params[0]))"))
    }
}
