@testable import FDFALanguage
import XCTest

/// load, batch, info and show over synthetic data (and Fashion-MNIST where the system has it).
final class DataBuiltinTests: XCTestCase {
    private let load = "data = load(\"synthetic\", shape=[1, 4, 4], classes=3, train=100, test=40, seed=2)\n"

    func testSyntheticDataSetFieldsAndBatches() throws {
        let out = try output(load + """
            print(data.name, data.shape, data.classes, data.train.count, data.test.count)
            b = batch(data.test, 16, index=2)
            print(b.count, b.images.shape, len(b.labels), b.shape)
            s = batch(data, 10, shuffle=true, seed=1)
            print(s.count, s.images.shape)
            """)
        XCTAssertEqual(out, "synthetic [1, 4, 4] 3 100 40\n8 [8, 1, 4, 4] 8 [1, 4, 4]\n10 [10, 1, 4, 4]\n")
    }

    func testBatchesHoldTheRightSamples() throws {
        let out = try output(load + """
            b = batch(data.train, 10, index=1)
            one = batch(data.train, 1, index=13)
            print(sum(abs(b.images[3] - one.images[0])), b.labels[3] == one.labels[0])
            """)
        XCTAssertEqual(out, "0 true\n")
    }

    func testShowDrawsTheSampleWithItsClass() throws {
        let c = Captured()
        let label = try c.run(load + "print(data.train.labels[5])").trimmingCharacters(in: .newlines)
        let out = try c.run("show(data.train, 5)")
        XCTAssertEqual(out.split(separator: "\n", omittingEmptySubsequences: false).count, 6)
        XCTAssertTrue(out.hasSuffix("sample 5: label \(label) (class \(label))\n"), out)
    }

    func testInfoListsTheClasses() throws {
        XCTAssertTrue(try output(load + "info(data)").contains("classes: class 0, class 1, class 2"))
    }

    func testClearErrors() {
        let c = Captured()
        XCTAssertTrue(c.error("load(\"imagenet\")").contains("load: unknown data set 'imagenet'; known: MNIST, FashionMNIST"))
        XCTAssertTrue(c.error("load(\"mnist\", classes=3)").contains("'classes' only shapes synthetic data"))
        XCTAssertTrue(c.error("load(\"synthetic\", classes=1)").contains("'classes' must be at least 2, got 1"))
        XCTAssertTrue(c.error(load + "batch(data.test, 16, index=3)").contains("'index' 3 is out of range: synthetic test has batches 0 to 2 of 16"))
        XCTAssertTrue(c.error("batch(3)").contains("batch: 'data' must be a dataset or split, got a number"))
        XCTAssertTrue(c.error(load + "batch(batch(data), 4)").contains("batch: 'data' must be a dataset or split, got a batch"))
        XCTAssertTrue(c.error(load + "show(data.test, 40)").contains("'i' 40 is out of range: there are samples 0 to 39"))
        XCTAssertTrue(c.error("load(\"cifar10\", data_dir=\"/nonexistent\")").contains("CIFAR10 not found"))
    }

    func testFashionMNISTFromTheSystemPackage() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") else {
            throw XCTSkip("Fashion-MNIST is not installed")
        }
        let out = try output("data = load(\"fashion-mnist\")\nprint(data.train.count, data.test.count, data.shape)\nshow(data.test, 0)")
        XCTAssertTrue(out.hasPrefix("60000 10000 [1, 28, 28]\n"))
        XCTAssertTrue(out.hasSuffix("sample 0: label 9 (Ankle boot)\n"), out)
    }
}
