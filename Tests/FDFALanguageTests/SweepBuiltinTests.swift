@testable import FDFALanguage
import FDFATestSupport
import Foundation
import XCTest

final class SweepBuiltinTests: XCTestCase {
    /// A sweep folder as `fdfa sweep` leaves it: run 0 finished, run 1 cut after its first epoch.
    func makeSweep() throws -> URL {
        let root = try temporaryDirectory(self)
        let manifest = #"""
            {"parameters": [{"name": "train-mode", "values": ["FDFA", "DFA"]}],
             "runs": [{"index": 0, "name": "train-mode=FDFA", "settings": [{"name": "train-mode", "value": "FDFA"}], "arguments": []},
                      {"index": 1, "name": "train-mode=DFA", "settings": [{"name": "train-mode", "value": "DFA"}], "arguments": []}]}
            """#
        try manifest.write(to: root.appendingPathComponent("sweep.json"), atomically: true, encoding: .utf8)
        func log(_ run: String, _ rows: String) throws {
            let dir = root.appendingPathComponent("\(run)/log/X")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try "Namespace()\nEpoch,Training Loss,Test Loss,Test Accuracy\n\(rows)".write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        }
        try log("train-mode=FDFA", "1,1.5,1.25,60.5\n2,1.0,0.75,70.25\n")
        try log("train-mode=DFA", "1,2.0,1.75,40.0\n")
        let result = #"""
            {"index": 0, "name": "train-mode=FDFA", "settings": [{"name": "train-mode", "value": "FDFA"}], "arguments": [],
             "csv": "log/X/a.csv", "epochs": 2, "finalTestAccuracy": 70.25, "bestTestAccuracy": 70.25, "finalTestLoss": 0.75,
             "finalTrainingLoss": 1.0}
            """#
        try result.write(to: root.appendingPathComponent("train-mode=FDFA/result.json"), atomically: true, encoding: .utf8)
        return root
    }

    func testLoadSweepGivesARecordPerRun() throws {
        let root = try makeSweep()
        let out = try output("""
            runs = load_sweep("\(root.path)")
            print(len(runs))
            for r in runs { print(r.name, r.train_mode, r.finished, r.epochs, r.accuracy, r.final_accuracy, r.best_accuracy, r.test_loss) }
            """)
        XCTAssertEqual(out, "2\ntrain-mode=FDFA FDFA true 2 [60.5, 70.25] 70.25 70.25 [1.25, 0.75]\ntrain-mode=DFA DFA false 1 [40] 40 40 [1.75]\n")
    }

    func testLoadSweepOfAFolderThatIsNoSweepIsAnError() throws {
        let root = try temporaryDirectory(self)
        let message = Captured().error("load_sweep(\"\(root.path)\")")
        XCTAssertTrue(message.contains("is not a sweep: it has no sweep.json"), message)
    }
}
