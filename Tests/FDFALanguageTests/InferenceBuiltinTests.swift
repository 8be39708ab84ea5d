@testable import FDFALanguage
import FDFATestSupport
import Foundation
import XCTest

/// forward, predict, activations, per-class evaluation and dataset(...), checked against sums
/// computed here from the network's own parameters.
final class InferenceBuiltinTests: XCTestCase {
    func numbers(_ text: String) -> [Double] {
        text.split(whereSeparator: { !"-0123456789.e".contains($0) }).compactMap { Double($0) }
    }

    func testForwardGivesTheLogitsAndAnyLayersActivations() throws {
        let c = Captured()
        try c.run("""
            net = stack([3], linear(4), relu, linear(2), seed=5)
            set_param(net.layer(1), "W", tensor([[1, 0, -1], [0, 2, 0], [-1, -1, -1], [0.5, 0.5, 0.5]]))
            set_param(net.layer(1), "b", tensor([0, -1, 0, 0.25]))
            set_param(net.layer(3), "W", tensor([[1, 1, 1, 1], [1, -1, 0, 2]]))
            set_param(net.layer(3), "b", tensor([0.5, 0]))
            x = tensor([[1, 2, 3], [-1, 0.5, 0]])
            """)
        // h = relu(W1 x + b1); logits = W2 h + b2, worked out by hand for both rows.
        // row 1: W1x+b1 = [-2, 3, -6, 3.25] → h = [0, 3, 0, 3.25] → [6.75, 3.5]
        // row 2: W1x+b1 = [-1, 0, 0.5, -0.0] → h = [0, 0, 0.5, 0] → [1, 0]
        XCTAssertEqual(numbers(try c.run("print(forward(net, x))")), [6.75, 3.5, 1, 0])
        XCTAssertEqual(numbers(try c.run("print(forward(net, x, layer=2))")), [0, 3, 0, 3.25, 0, 0, 0.5, 0])
        XCTAssertEqual(numbers(try c.run("print(forward(net, tensor([1, 2, 3])).shape)")), [1, 2])
        XCTAssertEqual(try c.run("print(predict(net, x))"), "tensor([0, 0])\n")
        XCTAssertTrue(c.error("forward(net, x, layer=4)").contains("forward: 'layer' must be in 1..3, got 4"))
        XCTAssertTrue(c.error("forward(net, x, mode=\"test\")").contains("mode must be \"eval\" or \"train\""))
        XCTAssertTrue(c.error("forward(net, ones(2, 5))").contains("is not samples of the network's input 3"))
    }

    func testTrainingModeUsesTheBatchStatisticsAndMovesNothing() throws {
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup)
        let before = try c.run("print(eval(net, data))")
        let train = try c.run("print(forward(net, b, mode=\"train\", layer=3))")   // after BatchNorm on the batch's own statistics
        // Batch statistics: every feature of the BatchNorm output has mean ≈ 0 over the batch (γ = 1, β = 0 at the start).
        XCTAssertEqual(try c.run("h = forward(net, b, mode=\"train\", layer=3)\nprint(abs(mean(h[:, 0])) < 1e-4, abs(mean(h[:, 5])) < 1e-4)"), "true true\n")
        XCTAssertEqual(try c.run("print(eval(net, data))"), before, "forward in training mode moved the running statistics")
        XCTAssertEqual(try c.run("print(forward(net, b, mode=\"train\", layer=3))"), train)
    }

    func testPerClassAccuracyAndConfusionAgreeWithEvalAndPredict() throws {
        let c = Captured()
        try c.run(TrainingBuiltinTests.setup + "r = eval(net, data, per_class=true)\np = predict(net, data)\n")
        let counts = numbers(try c.run("print(r.confusion)"))
        XCTAssertEqual(counts.count, 16)
        XCTAssertEqual(counts.reduce(0, +), 256)
        let correct = counts[0] + counts[5] + counts[10] + counts[15]
        XCTAssertEqual(numbers(try c.run("print(r.accuracy)"))[0], 100 * correct / 256, accuracy: 1e-9)
        XCTAssertEqual(numbers(try c.run("print(sum(p == data.test.labels))"))[0], correct)
        let perClass = numbers(try c.run("print(r.per_class)"))
        for k in 0 ..< 4 {
            let row = counts[(4 * k) ..< (4 * k + 4)]
            XCTAssertEqual(perClass[k], 100 * counts[5 * k] / row.reduce(0, +), accuracy: 1e-3)
        }
        XCTAssertEqual(try c.run("print(eval(net, b, per_class=true).confusion.shape)"), "[4, 4]\n")
        XCTAssertFalse(try c.run("print(eval(net, data))").contains("confusion"))
    }

    func testDatasetFromTensorsAndNpyFiles() throws {
        let directory = try temporaryDirectory(self)
        let images = directory.appendingPathComponent("x.npy").path, labels = directory.appendingPathComponent("y.npy").path
        let c = Captured()
        try c.run("""
            seed 1
            x = randn(40, 2, 3)
            y = tensor([\(Array(repeating: "0, 1, 2, 1", count: 10).joined(separator: ", "))])
            dump(x, "\(images)"); dump(y, "\(labels)")
            d = dataset(x, y)
            e = dataset("\(images)", "\(labels)", test_images=x[0:8], test_labels=y[0:8], classes=5, name="mine")
            """)
        XCTAssertEqual(try c.run("print(d)"), "dataset custom: 40 train / 40 test samples of 2×3, 3 classes\n")
        XCTAssertEqual(try c.run("print(e)"), "dataset mine: 40 train / 8 test samples of 2×3, 5 classes\n")
        XCTAssertEqual(try c.run("print(sum(e.test.labels == y[0:8]), sum(batch(d.train, 4).images == x[0:4]))"), "8 24\n")
        XCTAssertEqual(numbers(try c.run("net = fc(d, [8])\nprint(eval(net, d).count)")), [40])
        XCTAssertTrue(c.error("dataset(x, y[0:5])").contains("is not one sample per label (5 labels)"))
        XCTAssertTrue(c.error("dataset(x, y, test_images=x[0:8])").contains("dataset: 'test_images' needs 'test_labels' too"))
        XCTAssertTrue(c.error("dataset(x, y, test_labels=y[0:8])").contains("dataset: 'test_labels' needs 'test_images' too"))
        // Its values are used as given, and info says so.
        XCTAssertTrue(try c.run("info(d)").contains("\n  values as given (not normalised); fields: "))
        XCTAssertTrue(c.error("dataset(x, y - 0.5)").contains("labels must be class indices"))
        XCTAssertTrue(c.error("dataset(x, y, classes=2)").contains("label 2 but only 2 classes"))
    }
}
