import FDFALanguage
@testable import FDFARepl
import XCTest

final class CompleterTests: XCTestCase {
    private func session() throws -> Session {
        let session = Session(output: { _ in })
        try session.execute("weights = ones(2)\nconfig = {lr: 0.1, layers: {depth: 3}}\nfn train(net, epochs=1, lr=0.1) { return net }")
        return session
    }

    func testBuiltinsVariablesAndKeywords() throws {
        let completer = Completer(session: try session())
        XCTAssertEqual(completer.complete("x = zer").candidates, ["zeros"])
        XCTAssertEqual(completer.complete("x = zer").start, 4)
        XCTAssertEqual(completer.complete("wei").candidates, ["weights"])
        XCTAssertEqual(completer.complete("whi").candidates, ["while"])
        XCTAssertEqual(completer.complete("co").candidates, ["config", "configure", "continue", "conv", "copy", "cosine"])
    }

    func testFieldsAfterDot() throws {
        let completer = Completer(session: try session())
        XCTAssertEqual(completer.complete("print(config.l").candidates, ["config.layers", "config.lr"])
        XCTAssertEqual(completer.complete("config.layers.").candidates, ["config.layers.depth"])
        XCTAssertEqual(completer.complete("weights.sh").candidates, ["weights.shape"])
        XCTAssertEqual(completer.complete("nothing.x").candidates, [])
    }

    func testKeywordArgumentsInsideACall() throws {
        let completer = Completer(session: try session())
        XCTAssertEqual(completer.complete("train(weights, ep").candidates, ["epochs="])
        XCTAssertEqual(completer.complete("sum(weights, ax").candidates, ["axis="])
        XCTAssertEqual(completer.complete("train([1, 2], l").candidates, ["len", "lesson", "linear", "load", "load_checkpoint", "load_npy", "load_sweep", "load_weights", "log", "loss", "lr="])
        XCTAssertEqual(completer.complete("train(x) + ep").candidates, [])
    }

    func testPathsInsideStrings() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fdfa-complete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("runs"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("run.npy").path, contents: Data())
        defer { try? FileManager.default.removeItem(at: directory) }
        let completer = Completer(session: try session())
        let line = "load_npy(\"\(directory.path)/ru"
        XCTAssertEqual(completer.complete(line).candidates, ["\(directory.path)/run.npy", "\(directory.path)/runs/"])
        XCTAssertEqual(completer.complete(line).start, 10)
    }
}
