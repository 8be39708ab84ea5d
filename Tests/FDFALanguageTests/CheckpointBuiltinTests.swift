@testable import FDFALanguage
import FDFATestSupport
import XCTest

/// save_checkpoint / load_checkpoint: a round trip restores the same network, and bad files change nothing.
final class CheckpointBuiltinTests: XCTestCase {
    func testRoundTripRestoresIdenticalEvaluationAndTraining() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("net.safetensors").path
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup + """
            configure net, rule="FDFA", lr=1e-2
            train(net, data, steps=4)
            save_checkpoint(net, "\(path)")
            saved = eval(net, data)
            """)
        let next = try c.run("print(step(net, b), net.tap(1).B)")
        try c.run("train(net, data, steps=3)")
        XCTAssertNotEqual(try c.run("print(eval(net, data) == saved)"), "true\n")
        try c.run("load_checkpoint(net, \"\(path)\")")
        XCTAssertEqual(try c.run("print(eval(net, data).loss == saved.loss, eval(net, data).accuracy == saved.accuracy, net.steps)"), "true true 4\n")
        XCTAssertEqual(try c.run("print(step(net, b), net.tap(1).B)"), next)
    }

    func testBadFilesAreClearErrorsAndChangeNothing() throws {
        let directory = try temporaryDirectory(self)
        let corrupt = directory.appendingPathComponent("bad.safetensors").path
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: corrupt))
        let other = directory.appendingPathComponent("other.safetensors").path
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup + "step(net, b)\nsave_checkpoint(fc(data, [8]), \"\(other)\")")
        let state = try c.run("print(net.params, net.steps)")
        XCTAssertTrue(c.error("load_checkpoint(net, \"\(corrupt)\")").contains("bad.safetensors: not a valid safetensors file: header length"))
        let missing = c.error("load_checkpoint(net, \"\(directory.path)/missing\")")
        XCTAssertTrue(missing.contains("no such file: \(directory.path)/missing") && !missing.contains("not a valid"), missing)
        XCTAssertTrue(c.error("load_checkpoint(net, \"\(other)\")").contains("checkpoint does not fit this run: its network is 16 flatten, linear(8)"))
        XCTAssertEqual(try c.run("print(net.params, net.steps)"), state)
        XCTAssertTrue(c.error("save_checkpoint(net, \"\(corrupt)/x\")").contains("cannot write \(corrupt)/x"))
    }

    func testExportedWeightsLoadIntoAnotherNetworkAndBadShapesNameTheTensor() throws {
        let directory = try temporaryDirectory(self)
        let path = directory.appendingPathComponent("w.safetensors").path
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup + """
            configure net, rule="DFA", lr=1e-2
            train(net, data, steps=4)
            export_weights(net, "\(path)")
            other = fc(data, [32], seed=9)
            """)
        XCTAssertEqual(try c.run("print(eval(other, data) == eval(net, data))"), "false\n")
        try c.run("load_weights(other, \"\(path)\")")
        XCTAssertEqual(try c.run("print(eval(other, data) == eval(net, data))"), "true\n")
        try c.run("wide = fc(data, [40])")
        let before = try c.run("print(wide.params)")
        XCTAssertTrue(c.error("load_weights(wide, \"\(path)\")").contains("'fc_hidden.0.weight' has shape [32, 16], this network's is [40, 16]"))
        XCTAssertEqual(try c.run("print(wide.params)"), before)
    }
}
