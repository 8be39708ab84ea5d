import FDFAEngine
import Foundation
import FDFATestSupport
import XCTest
@testable import FDFATraining

/// The console and CSV as the original prints them, compared with its own output
/// (`scripts/record-original-console.py` ran its main.main() on fake images; the lines compared here
/// do not depend on the images).
final class ReferenceLogTests: XCTestCase {
    func fixture(_ name: String) throws -> String {
        try String(contentsOf: StateDictTests.fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    func testSeedModeAndParameterListingMatchTheOriginals() throws {
        let cases: [(String, Network, Rule, seed: Int)] = [
            ("fc-DFA", try .fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 1), .dfa, 0),
            ("fc-FDFA", try .fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 1), .fdfa, 3),
            ("fc-BP", try .fc(input: [1, 28, 28], hidden: [800], classes: 10, seed: 1), .bp, -1),
            ("cnn-DKP", try .shallowCNN(input: [1, 28, 28], classes: 10, seed: 1), .dkp, 1),
        ]
        for (name, network, rule, seed) in cases {
            let trainer = try Trainer(network: network, rule: rule, seed: 1)
            let original = try fixture("original-console-\(name).txt").components(separatedBy: "\n")
            let listing = original.filter { $0.contains(" <class 'torch.Tensor'> ") }
            XCTAssertGreaterThan(listing.count, 5, name)
            XCTAssertEqual(ReferenceLog.parameterLines(network, rule: rule, feedback: trainer.learningRule.tapFeedback), listing, name)
            let head = [ReferenceLog.seedLine(seed), rule.rawValue].compactMap { $0 }
            XCTAssertEqual(Array(original.prefix(head.count + 1)), head + [""], name)
        }
    }

    func testFloatsArePrintedAsPythonPrintsThem() {
        let cases: [(Double, String)] = [
            (0.123456789, "0.123456789"), (1e-5, "1e-05"), (2e16, "2e+16"), (1e-4, "0.0001"), (0, "0.0"), (-0.0, "-0.0"),
            (130.00809860229492, "130.00809860229492"), (1e15, "1000000000000000.0"), (8.59375, "8.59375"), (100, "100.0"),
            (0.1 + 0.2, "0.30000000000000004"), (1.5e-7, "1.5e-07"), (-2.5e20, "-2.5e+20"), (123456.75, "123456.75"),
            (.infinity, "inf"), (.nan, "nan"), (1e-6, "1e-06"), (0.95, "0.95"),
        ]
        for (x, python) in cases { XCTAssertEqual(ReferenceLog.python(x), python) }
    }

    func testCSVFileIsLaidOutAsTheOriginalsCSVLogger() throws {
        let original = try fixture("original-csv-fc-DFA.txt")
        let lines = original.components(separatedBy: "\n")
        let file = try temporaryDirectory(self).appendingPathComponent("DFA/x.csv").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().path) }
        let log = try CSVLog(path: file, argumentsLine: lines[0])
        // The original's dry run: one batch, training loss 0.0; test loss and accuracy 11 of 128 as it logged them.
        let evaluation = TrainingRun.Evaluation(loss: 130.00809860229492, correct: 11, count: 128)
        try log.append(ReferenceLog.csvRow(epoch: 1, trainingLoss: ReferenceLog.loggedTrainingLoss(2.4081, dryRun: true), evaluation))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), Data(original.utf8))
    }
}
