@testable import FDFALanguage
import FDFATestSupport
import XCTest

/// grad, jvp, randn_like, jacobian, align, variance and plot: right numbers, and training untouched.
final class DerivativeBuiltinTests: XCTestCase {
    func testJVPEqualsTheGradientAlongTheDirection() throws {
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup + """
            g = grad(net, b)
            v = randn_like(net.params)
            total = 0
            for i in 0..<len(g) { total += dot(g[i], v[i]) }
            """)
        let jvp = try c.number("jvp(net, b, v)"), dot = try c.number("dot(g, v)")
        XCTAssertEqual(dot, try c.number("total"), accuracy: 1e-6 * abs(dot))
        XCTAssertEqual(jvp, dot, accuracy: 1e-3 * abs(dot))
        XCTAssertNotEqual(dot, 0)
    }

    /// On a smooth network: near a ReLU kink a finite difference measures a different slope.
    func testJVPMatchesFiniteDifferencesOfTheLoss() throws {
        let c = Captured()
        try c.run("""
            seed 1
            data = load("synthetic", shape=[6], classes=3, train=32, test=8)
            net = stack(data, linear(5), bn(), linear(3), seed=2)
            b = batch(data, 32)
            p = net.params
            v = randn_like(p)
            eps = 1e-3
            up = []
            down = []
            for i in 0..<len(p) { up += [p[i] + eps * v[i]]; down += [p[i] - eps * v[i]] }
            set_params(net, up)
            lu = loss(net, b)
            set_params(net, down)
            ld = loss(net, b)
            set_params(net, p)
            """)
        let finite = (try c.number("lu") - (try c.number("ld"))) / 2e-3
        XCTAssertEqual(try c.number("jvp(net, b, v)"), finite, accuracy: 1e-2 * abs(finite) + 1e-4)
    }

    /// Every derivative and measurement between two steps leaves the second step as it would be.
    func testMeasuringDoesNotChangeTraining() throws {
        for rule in ["FDFA", "FG-W", "DKP"] {
            let measured = Captured(), plain = Captured()
            let start = TrainingBuiltinTests.setup + "configure net, rule=\"\(rule)\", lr=1e-2\nstep(net, b)\n"
            try measured.run(start + """
                g = grad(net, b)
                j = jvp(net, b, randn_like(net.params))
                J = jacobian(net, b, 1)
                a = align(net, b)
                s = variance(net, b, draws=4)
                l = loss(net, b)
                """)
            try plain.run(start)
            let next = "print(step(net, b), net.params, eval(net, data))"
            XCTAssertEqual(try measured.run(next), try plain.run(next), rule)
        }
    }

    func testAlignmentFieldsAndJacobianAgreeWithFeedbackShape() throws {
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup + "configure net, rule=\"BP\"\na = align(net, b)")
        XCTAssertEqual(try c.run("print(a.cos_delta, a.cos_grad, a.cos_BJ, a.layers)"), "[1] [1, 1, 1] [none] [2, 3, 6]\n")
        XCTAssertTrue(try c.run("a").hasPrefix("BP on a batch with loss "))
        try c.run("configure net, rule=\"DFA\"")
        XCTAssertEqual(try c.run("print(jacobian(net, b).shape == net.tap(1).B.shape, len(align(net, b).cos_BJ))"), "true 1\n")
        XCTAssertTrue(Captured().error(TrainingBuiltinTests.setup + "jacobian(net, b, 2)").contains("jacobian: the network has taps 1 to 1, not 2"))
    }

    func testVarianceOfForwardGradients() throws {
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup)
        let fgw = try c.run("s = variance(net, b, estimator=\"fgw\", draws=16)[0]\nprint(s.estimator, s.target, s.draws)")
        XCTAssertEqual(fgw, "FG-W all 16\n")
        // FG-W's relative variance is about the parameter count + 1 (Baydin et al. 2022).
        let relative = try c.number("s.relative_variance"), count = try c.number("net.parameter_count")
        XCTAssertEqual(relative, count + 1, accuracy: 0.6 * count)
        XCTAssertEqual(try c.run("print(variance(net, b, draws=2)[0].estimator)"), "FDFA\n")
        XCTAssertTrue(c.error("variance(fgw_net(16, [4], 4), b, estimator=\"FG-A\")").contains("perturbs taps, and the network has none"))
        XCTAssertTrue(c.error("variance(net, b, estimator=\"DFA\")").contains("unknown estimator 'DFA'; estimators: FG-W, FG-A, FDFA"))
    }

    func testDotAndCosineOverListsOfTensors() throws {
        XCTAssertEqual(try output("a = [tensor([1, 2]), ones(2, 2)]\nprint(dot(a, a), cosine(a, [tensor([-1, -2]), -ones(2, 2)]))"), "9 -1\n")
        let c = Captured()
        XCTAssertTrue(c.error("dot([ones(2)], [ones(2), ones(3)])").contains("dot: 'a' holds 1 tensors and 'b' 2"))
        XCTAssertTrue(c.error("cosine([ones(2), ones(3)], [ones(2), ones(2)])").contains("shapes [3] and [2] hold different numbers of values (tensor #2)"))
    }

    func testErrorsNameTheArgument() throws {
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup)
        XCTAssertTrue(c.error("jvp(net, b, [1])").contains("jvp: 'v' #1 must be a tensor, got a number"))
        XCTAssertTrue(c.error("jvp(net, b, [ones(2)])").contains("'v' has 1 tensors; the network has 6 parameter tensors"))
        XCTAssertTrue(c.error("jvp(net, b, 3)").contains("jvp: 'v' must be a list, got a number"))
        XCTAssertTrue(c.error("randn_like(\"x\")").contains("'x' must be a tensor or a list of tensors, got a string"))
        XCTAssertTrue(c.error("grad(b, net)").contains("grad: 'net' must be a network, got a batch"))
    }

    func testPlotsInTheTerminalAndToSVG() throws {
        let directory = try temporaryDirectory(self)
        let svg = directory.appendingPathComponent("p.svg").path
        let out = try output("plot({loss: [3, 2, 1.5, 1.2], cos: tensor([0, 0.5, 0.7, 0.8])}, title=\"curves\")\nplot([1, 2, 3], file=\"\(svg)\")")
        XCTAssertTrue(out.hasPrefix("curves\n"), out)
        XCTAssertTrue(out.contains("loss") && out.contains("cos"))
        XCTAssertTrue(out.hasSuffix("wrote \(svg)\n"))
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))
        XCTAssertTrue(Captured().error("plot([\"a\"])").contains("series #1 must hold numbers, found a string"))
        XCTAssertTrue(Captured().error("plot()").contains("give at least one series to plot"))
    }
}
