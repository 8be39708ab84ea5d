@testable import FDFALanguage
import XCTest

/// configure, step, train and eval on a small synthetic problem, and errors that leave state alone.
final class TrainingBuiltinTests: XCTestCase {
    static let setup = """
        seed 0
        data = load("synthetic", shape=[16], classes=4, train=512, test=256)
        net = fc(data, [32], seed=3)
        b = batch(data, 64)

        """

    func testTrainingLowersTheLossAndRaisesAccuracy() throws {
        for rule in ["BP", "DFA", "FDFA"] {
            let c = Captured()
            try c.run(Self.setup + "configure net, rule=\"\(rule)\", lr=1e-2, b_lr=1e-2\nbefore = eval(net, data)")
            let out = try c.run("train(net, data, epochs=3)")
            XCTAssertEqual(out.split(separator: "\n").count, 3, out)
            XCTAssertTrue(out.hasPrefix("epoch 1: mean loss "), out)
            XCTAssertLessThan(try c.number("eval(net, data).loss"), try c.number("before.loss"), rule)
            XCTAssertGreaterThan(try c.number("eval(net, data).accuracy"), 50, rule)
            XCTAssertEqual(try c.number("net.steps"), 24)
            XCTAssertEqual(try c.number("net.epochs"), 3)
        }
    }

    func testStepsLimitAndStepReturnsTheLoss() throws {
        let c = Captured()
        try c.run(Self.setup + "train(net, data.train, steps=3)")
        XCTAssertEqual(try c.number("net.steps"), 3)
        let first = try c.number("step(net, b)")
        XCTAssertEqual(first, try c.number("loss(net, b)"), accuracy: 0.2)
        XCTAssertEqual(try c.number("net.steps"), 4)
    }

    func testEvalOnASplitAndABatch() throws {
        let c = Captured()
        try c.run(Self.setup)
        XCTAssertEqual(try c.run("fields(eval(net, data.train))"), "[\"loss\", \"accuracy\", \"count\"]\n")
        XCTAssertEqual(try c.number("eval(net, data.train).count"), 512)
        XCTAssertEqual(try c.number("eval(net, b).count"), 64)
        let accuracy = try c.number("eval(net, data).accuracy")
        XCTAssertTrue((0 ... 100).contains(accuracy))
    }

    func testConfigureKeepsOrRenewsTheTrainer() throws {
        let c = Captured()
        try c.run(Self.setup + "configure net, rule=\"DKP\", lr=1e-3\nstep(net, b)")
        XCTAssertEqual(try c.run("configure net, lr=2e-3\nprint(net.steps, net.config.lr, net.config.rule)"), "1 0.002 DKP\n")
        let before = try c.run("print(net.params[0])")
        XCTAssertEqual(try c.run("configure net, rule=\"fga\"\nprint(net.steps, net.rule)"),
                       "rule DKP → FG-A: the parameters keep their 1 step of training; feedback matrices and optimiser state start afresh\n0 FG-A\n")
        XCTAssertEqual(try c.run("print(net.params[0])"), before)
    }

    func testErrorsNameTheArgumentAndLeaveStateAlone() throws {
        let c = Captured()
        try c.run(Self.setup + "step(net, b)")
        let params = try c.run("print(net.params)")
        XCTAssertTrue(c.error("configure net, rule=\"SGD\"").contains("unknown rule 'SGD'; rules: BP, DFA, DKP, FDFA, FG-W, FG-A"))
        XCTAssertTrue(c.error("configure net, lr=-1").contains("'lr' must be a finite number, 0 or more, got -1"))
        XCTAssertTrue(c.error("configure net, momentum=2").contains("'momentum' must be \"adam\" or a number β in [0, 1)"))
        XCTAssertTrue(c.error("step(net, data)").contains("step: 'batch' must be a batch, got a dataset"))
        XCTAssertTrue(c.error("step(fc(3, [2]), b)").contains("a batch of 16 samples does not fit the network's input 3"))
        XCTAssertTrue(c.error("train(net, b)").contains("'data' must be a dataset or split (use step for one batch), got a batch"))
        XCTAssertTrue(c.error("train(net, \"data\")").contains("'data' must be a dataset or split, got a string"))
        XCTAssertTrue(c.error("train(net, data, epochs=0)").contains("'epochs', 'batch' and 'steps' must be at least 1"))
        XCTAssertTrue(c.error("train(fc(16, [4], 2), data)").contains("the data has 4 classes; the network has 2"))
        XCTAssertEqual(try c.run("print(net.params, net.steps, net.rule)"), params.dropLast() + " 1 FDFA\n")
    }

    func testADivergingStepIsReportedAndNotApplied() throws {
        let c = Captured()
        try c.run(Self.setup + "w = net.layer(2).W\nw[0, 0] = 1e38 * 1e38\nset_param(net.layer(2), \"W\", w)")
        let params = try c.run("print(net.params)")
        XCTAssertTrue(c.error("step(net, b)").contains("training diverged at step 1: non-finite"))
        XCTAssertTrue(c.error("train(net, data)").contains("training diverged at step 1"))
        XCTAssertEqual(try c.run("print(net.params)"), params)
        XCTAssertEqual(try c.run("print(net.steps)"), "0\n")
    }

    /// Rules that inject their signal at taps refuse a network without any (they would silently be BP;
    /// FDFA's moving-average form crashed), and the network keeps its rule (issues 19, 20).
    func testRulesNeedingTapsRefuseANetworkWithoutTaps() throws {
        let c = Captured()
        try c.run(Self.setup + "tiny = stack([16], linear(4))\nflat = fc(data, [])\nforward = fgw_net(data, [8])")
        for (net, rule) in [("tiny", "FDFA\", momentum=0.5"), ("tiny", "DFA\""), ("flat", "FDFA\""), ("forward", "FG-A\""), ("forward", "DKP\"")] {
            let message = c.error("configure \(net), rule=\"\(rule)")
            XCTAssertTrue(message.contains("injects its signal at the network's taps and this network has none"), message)
        }
        XCTAssertEqual(try c.run("print(tiny.rule, flat.rule, forward.rule)"), "BP BP FG-W\n")
        XCTAssertEqual(try c.run("s = step(tiny, b)\nprint(tiny.steps)"), "1\n")
    }

    /// A new network starts with its rule's defaults, the ones fdfa train uses: FG-W's learning rate
    /// is its script's 1e-3, every other rule's the reference's 1e-4.
    func testNewNetworksTakeTheirRulesDefaults() throws {
        let c = Captured()
        try c.run(Self.setup + "forward = fgw_net(data, [8])\ntapped = fc(data, [8])")
        XCTAssertEqual(try c.run("print(forward.rule, forward.config.lr, tapped.rule, tapped.config.lr)"), "FG-W 0.001 FDFA 0.0001\n")
    }

    /// BatchNorm over features normalises a batch of one to zero: a step or a measurement on it is
    /// refused with the reason instead of giving zero gradients and "cos 0" (issue 19).
    func testABatchOfOneUnderBatchNormIsRefused() throws {
        let c = Captured()
        try c.run(Self.setup + "one = batch(data, 1)")
        for call in ["step(net, one)", "align(net, one)"] {
            XCTAssertTrue(c.error(call).contains("a batch of 1 in training mode with BatchNorm over features"), call)
        }
        XCTAssertEqual(try c.run("print(net.steps)"), "0\n")
    }

    /// Feedback alignment in the language: configure, train, and the analysis's cos of its signals with BP's.
    func testFeedbackAlignmentTrainsAndIsMeasured() throws {
        let c = Captured()
        try c.run(Self.setup + "configure net, rule=\"FA\", lr=1e-2\nbefore = eval(net, data)\ntrain(net, data, epochs=2)")
        XCTAssertEqual(try c.run("print(net.rule, net.tap(1).B)"), "FA none\n")
        XCTAssertLessThan(try c.number("eval(net, data).loss"), try c.number("before.loss"))
        let cosine = try c.number("align(net, b).cos_delta[0]")
        XCTAssertTrue(cosine > -1 && cosine < 1, "FA's δ is neither BP's nor zero: \(cosine)")
        XCTAssertEqual(try c.number("align(net, b).cos_grad[-1]"), 1, accuracy: 1e-6)
    }
}

/// `train(…, steps=n)` takes part of an epoch: the epoch is not counted and the learning rate not
/// decayed until a later call finishes it, so a loop of short calls trains exactly as one long one.
final class PartialEpochTests: XCTestCase {
    private static let setup = TrainingBuiltinTests.setup + "configure net, lr=0.01, gamma=0.5\n"

    func testShortCallsContinueOneEpoch() throws {
        let c = Captured()
        try c.run(Self.setup)
        let first = try c.run("train(net, data, steps=3)")
        XCTAssertEqual(first.prefix(36), "epoch 1 (open, 5 of 8 batches to go)")
        XCTAssertEqual(try c.run("print(net.epochs, net.steps, net.config.current_lr)"), "0 3 0.01\n")
        try c.run("train(net, data, steps=5)")
        XCTAssertEqual(try c.run("print(net.epochs, net.steps, net.config.current_lr)"), "1 8 0.005\n")

        let loop = Captured(), whole = Captured()
        try loop.run(Self.setup + "for i in 0..<8 { train(net, data, steps=1, quiet=true) }")
        try whole.run(Self.setup + "train(net, data, quiet=true)")
        XCTAssertEqual(try loop.run("print(net.params, net.epochs)"), try whole.run("print(net.params, net.epochs)"))
    }

    func testCountsOfOneAreSingular() throws {
        let c = Captured()
        try c.run(Self.setup)
        XCTAssertTrue(try c.run("h = train(net, data, steps=1)").hasSuffix(" over 1 step\n"))
        XCTAssertEqual(try c.run("print(h)"), "history of 1 step, 0 finished epochs\n")
        XCTAssertTrue(try c.run("print(train(net, data, steps=7, quiet=true))").hasPrefix("history of 7 steps, 1 finished epoch; after epoch 1: "))
        XCTAssertEqual(try c.run("print(stack([3], linear(1)))"), "network stack: 3 → 1 class, 1 layer, 4 parameters, rule BP, 0 steps\n")
    }

    func testTrainReturnsItsHistoryAndQuietPrintsNothing() throws {
        let c = Captured()
        try c.run(Self.setup)
        XCTAssertEqual(try c.run("h = train(net, data, epochs=2, quiet=true)"), "")
        XCTAssertEqual(try c.run("print(len(h.losses), h.epochs, len(h.test_accuracy))"), "16 [1, 2] 2\n")
        XCTAssertEqual(try c.number("h.test_accuracy[1]"), try c.number("eval(net, data).accuracy"), accuracy: 1e-9)
        XCTAssertEqual(try c.run("train(net, data, steps=2, quiet=true)"), "", "the returned history is not echoed")
    }
}
