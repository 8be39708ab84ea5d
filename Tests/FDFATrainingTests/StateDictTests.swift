import FDFAEngine
import Foundation
import FDFATestSupport
import XCTest
@testable import FDFATraining

/// Checkpoints and weights under the PyTorch original's state_dict names. The fixtures in `Fixtures/`
/// were written by `scripts/make-state-dict-fixtures.py` from the original's own model code.
final class StateDictTests: XCTestCase {
    var directory: URL!
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    override func setUpWithError() throws {
        directory = try temporaryDirectory(self)
    }


    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Names, shapes and dtypes in a safetensors header, read independently of `SafeTensors.read`.
    func header(_ path: String) throws -> [String: (shape: [Int], dtype: String)] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let json = try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + n])) as! [String: Any]
        var out: [String: ([Int], String)] = [:]
        for (name, entry) in json where name != "__metadata__" {
            let e = entry as! [String: Any]
            out[name] = ((e["shape"] as! [NSNumber]).map(\.intValue), e["dtype"] as! String)
        }
        return out
    }

    /// The original's state_dicts: key -> (shape, dtype), recorded from its model code.
    static let original: [String: [String: (shape: [Int], dtype: String)]] = {
        let json = try! JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent("original-state-dicts.json"))) as! [String: Any]
        var out: [String: [String: ([Int], String)]] = [:]
        for (network, keys) in json["networks"] as! [String: [String: [String: Any]]] {
            out[network] = keys.mapValues { (($0["shape"] as! [NSNumber]).map(\.intValue), $0["dtype"] as! String) }
        }
        return out
    }()

    func testCheckpointsOfTheReferenceNetworksHoldTheOriginalsStateDict() throws {
        let cases: [(String, () throws -> Network, Rule)] = [
            ("fc-FDFA", { try .fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 1) }, .fdfa),
            ("fc-BP", { try .fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: 1) }, .bp),
            ("fc-cifar10-DFA", { try .fc(input: [3, 32, 32], hidden: [1000, 1000, 1000], classes: 10, seed: 1) }, .dfa),
            ("cnn-mnist-FDFA", { try .shallowCNN(input: [1, 28, 28], classes: 10, seed: 1) }, .fdfa),
            ("cnn-cifar10-DKP", { try .shallowCNN(input: [3, 32, 32], classes: 10, seed: 1) }, .dkp),
            ("fgw", { try .fgw(input: [1, 28, 28], classes: 10, seed: 1) }, .fgw),
        ]
        for (name, make, rule) in cases {
            let expected = try XCTUnwrap(Self.original[name], name)
            XCTAssertFalse(expected.isEmpty)
            let file = path("\(name).safetensors")
            try Checkpoint.save(Trainer(network: make(), rule: rule, seed: 2), to: file)
            let stored = try header(file)
            let torchPart = stored.filter { !$0.key.hasPrefix("fdfa.") }
            XCTAssertEqual(Set(torchPart.keys), Set(expected.keys), name)
            for (key, want) in expected {
                XCTAssertEqual(torchPart[key]?.shape, want.shape, "\(name): \(key)")
                XCTAssertEqual(torchPart[key]?.dtype, want.dtype == "int64" ? "I64" : "F32", "\(name): \(key)")
            }
            XCTAssertTrue(stored.keys.contains { $0.hasPrefix("fdfa.adam.") }, name)
        }
        XCTAssertEqual(Self.original["cnn-mnist-FDFA"]?["conv1_dfa.feedbacks"]?.shape, [10, 15, 24, 24])
    }

    func testAlexNetTakesTheOriginalsNames() throws {
        let expected = try XCTUnwrap(Self.original["alexnet-FDFA"])
        let net = try Network.alexNet(classes: 100, seed: 1)
        let entries = StateDict.entries(of: net, feedback: [])
        XCTAssertEqual(Set(entries.map(\.name)), Set(expected.keys))
        for entry in entries where entry.role != .absentFeedback {
            XCTAssertEqual(entry.tensor.shape, expected[entry.name]?.shape, entry.name)
        }
        // Without a rule the taps have no feedback; their matrices would take the original's shapes.
        for (tap, name) in zip(net.taps, ["features.conv_1_dfa", "features.conv_2_dfa", "features.conv_3_dfa", "features.conv_4_dfa",
                                          "features.conv_5_dfa", "classifier.linear_1_dfa", "classifier.linear_2_dfa"]) {
            XCTAssertEqual([100] + tap.inputShape, expected["\(name).feedbacks"]?.shape, name)
        }
    }

    func testTheOriginalsStateDictLoadsAndGivesItsLogits() throws {
        let net = try Network.fc(input: [1, 6, 6], hidden: [16, 16], classes: 10, seed: 5)
        let trainer = try Trainer(network: net, rule: .dfa, seed: 6)
        let weights = Self.fixtures.appendingPathComponent("tiny-fc.safetensors").path
        try StateDict.load(weights, into: net, feedback: trainer.learningRule.tapFeedback)
        let probe = try SafeTensors.read(Self.fixtures.appendingPathComponent("tiny-fc-probe.safetensors").path).tensors
        let logits = net.forward(probe["x"]!, mode: .evaluation).array, want = probe["logits"]!.array
        XCTAssertEqual(logits.count, 50)
        let scale = want.map(abs).max()!
        for (a, b) in zip(logits, want) { XCTAssertEqual(a, b, accuracy: 1e-5 * scale) }
        let file = try SafeTensors.read(weights).tensors
        XCTAssertEqual(trainer.learningRule.tapFeedback[1].array, file["fc_dfa.1.feedbacks"]!.array)
        XCTAssertEqual(file["bn_hidden.0.num_batches_tracked"]?.array, [1])
    }

    func testLoadChecksEveryShapeAndNameBeforeChangingAnything() throws {
        let source = try Network.fc(input: [1, 6, 6], hidden: [16, 16], classes: 10, seed: 5)
        let exported = path("export.safetensors")
        try StateDict.export(source, feedback: [], batchesTracked: 3, to: exported)
        let stored = try header(exported)
        XCTAssertEqual(Set(stored.keys), Set(StateDict.entries(of: source, feedback: []).map(\.name)))
        XCTAssertEqual(stored["bn_hidden.1.num_batches_tracked"]?.dtype, "I64")
        XCTAssertEqual(try SafeTensors.read(exported).metadata, ["format": "pt"])

        let wider = try Network.fc(input: [1, 6, 6], hidden: [16, 20], classes: 10, seed: 7)
        let before = wider.parameters.map(\.value.array)
        XCTAssertThrowsError(try StateDict.load(exported, into: wider, feedback: [])) { error in
            XCTAssertTrue("\(error)".contains("'fc_hidden.1.weight' has shape [16, 16], this network's is [20, 16]"), "\(error)")
        }
        XCTAssertEqual(before, wider.parameters.map(\.value.array), "a refused load changed the network")

        let cnn = try Network.shallowCNN(input: [1, 14, 14], classes: 10, seed: 1)
        XCTAssertThrowsError(try StateDict.load(exported, into: cnn, feedback: [])) { error in
            XCTAssertTrue("\(error)".contains("is not part of this network"), "\(error)")
        }
        var partial = try SafeTensors.read(exported).tensors
        partial["bn_hidden.0.running_var"] = nil
        let partialPath = path("partial.safetensors")
        try SafeTensors.write(partial.map { ($0.key, $0.value) }, metadata: [:], to: partialPath)
        XCTAssertThrowsError(try StateDict.load(partialPath, into: source, feedback: [])) { error in
            XCTAssertTrue("\(error)".contains("'bn_hidden.0.running_var' is missing"), "\(error)")
        }

        let target = try Network.fc(input: [1, 6, 6], hidden: [16, 16], classes: 10, seed: 9)
        try StateDict.load(exported, into: target, feedback: [])
        XCTAssertEqual(source.parameters.map(\.value.array), target.parameters.map(\.value.array))
    }

    func testCustomStacksAreNamedAsSequentialNumbersThem() throws {
        let net = try Network(inputShape: [4], specs: [.linear(outputs: 3), .batchNorm, .relu, .tap, .linear(outputs: 2)], seed: 1)
        XCTAssertEqual(StateDict.entries(of: net, feedback: []).map(\.name), [
            "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
            "3.feedbacks", "4.weight", "4.bias",
        ])
    }

    func testCheckpointsOfEarlierVersionsStillLoad() throws {
        let run = try CheckpointTests.makeRun(rule: .fdfa)
        var rng = Random(seed: 8)
        for (_, t) in Checkpoint.tensors(of: run.trainer) {
            for i in 0 ..< t.count { t.data[i] = Float(rng.nextInt(below: 1000)) / 100 }
        }
        // The layout fdfa wrote before: layer{i}.{weight|bias|gamma|beta|running_*}, tap{l}.feedback (flat), adam.{k}.{m|v}.
        let current = path("current.safetensors")
        try Checkpoint.save(run.trainer, to: current)
        let (tensors, metadata) = try SafeTensors.read(current)
        var legacy: [(String, Tensor)] = []
        for entry in StateDict.entries(of: run.network, feedback: run.trainer.learningRule.tapFeedback) {
            guard let old = entry.legacyName else { continue }
            let t = tensors[entry.name]!
            legacy.append((old, entry.role == .feedback ? t.viewed(as: [t.shape[0], t.count / t.shape[0]]) : t))
        }
        for (name, t) in tensors where name.hasPrefix("fdfa.") { legacy.append((String(name.dropFirst(5)), t)) }
        XCTAssertTrue(legacy.contains { $0.0 == "layer3.gamma" } && legacy.contains { $0.0 == "tap1.feedback" })
        let old = path("old.safetensors")
        try SafeTensors.write(legacy, metadata: metadata, to: old)

        let resumed = try CheckpointTests.makeRun(rule: .fdfa)
        try Checkpoint.restore(resumed.trainer, from: old)
        XCTAssertEqual(run.network.parameters.map(\.value.array), resumed.network.parameters.map(\.value.array))
        XCTAssertEqual(run.trainer.learningRule.tapFeedback.map(\.array), resumed.trainer.learningRule.tapFeedback.map(\.array))
        XCTAssertEqual(run.trainer.optimizer.moments.map(\.v.array), resumed.trainer.optimizer.moments.map(\.v.array))
        XCTAssertEqual(run.trainer.feedbackOptimizer!.moments.map(\.m.array), resumed.trainer.feedbackOptimizer!.moments.map(\.m.array))
    }

    func testFAsFixedMatricesAreNamedAfterTheirLinearsAndEarlierNamesStillLoad() throws {
        let run = try CheckpointTests.makeRun(rule: .fa)
        let fa = try XCTUnwrap(run.trainer.learningRule as? FA)
        var rng = Random(seed: 3)
        for b in fa.layerFeedback.compactMap({ $0 }) { rng.fillUniform(b, low: -1, high: 1) }
        let current = path("fa.safetensors")
        try Checkpoint.save(run.trainer, to: current)
        let (tensors, metadata) = try SafeTensors.read(current)
        // fc(hidden: [16, 12], classes: 4) on 1 × 6 × 6: B_i is shaped like the weight of the Linear it stands for.
        let names = ["fdfa.fc_hidden.0.feedback", "fdfa.fc_hidden.1.feedback", "fdfa.fc_out.feedback"]
        XCTAssertEqual(names.map { tensors[$0]?.shape }, [[16, 36], [12, 16], [4, 12]])
        XCTAssertEqual(names.map { tensors[$0]?.array }, fa.layerFeedback.compactMap { $0?.array })
        XCTAssertEqual(tensors["fc_dfa.0.feedbacks"]?.shape, [0], "FA has no tap feedback: the original's BP placeholder")

        // The layout before the original's names: FA's B for layer i as layer{i}.feedback.
        let layers = fa.layerFeedback.indices.filter { fa.layerFeedback[$0] != nil }
        XCTAssertEqual(layers.count, names.count)
        var legacy = tensors.filter { !names.contains($0.key) }.map { ($0.key, $0.value) }
        for (i, name) in zip(layers, names) { legacy.append(("layer\(i + 1).feedback", tensors[name]!)) }
        let old = path("fa-old.safetensors")
        try SafeTensors.write(legacy, metadata: metadata, to: old)
        for file in [current, old] {
            let resumed = try CheckpointTests.makeRun(rule: .fa)
            try Checkpoint.restore(resumed.trainer, from: file)
            let restored = try XCTUnwrap(resumed.trainer.learningRule as? FA)
            XCTAssertEqual(restored.layerFeedback.map { $0?.array }, fa.layerFeedback.map { $0?.array }, file)
            // load_weights takes the network's tensors and leaves fdfa's own (FA's matrices) alone.
            let weights = try CheckpointTests.makeRun(rule: .fa)
            try StateDict.load(file, into: weights.network, feedback: weights.trainer.learningRule.tapFeedback)
            XCTAssertEqual(weights.network.parameters.map(\.value.array), run.network.parameters.map(\.value.array), file)
        }
    }

    func testSafeTensorsReadsEveryNumericDtype() throws {
        func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
        let cases: [(String, [UInt8], [Float])] = [
            ("I64", bytes([Int64(-3), 1 << 40]), [-3, Float(1 << 40)]),
            ("F64", bytes([1.5, -2.25]), [1.5, -2.25]),
            ("F16", bytes([Float16(0.5), Float16(-8)].map(\.bitPattern)), [0.5, -8]),
            ("BF16", bytes([UInt16(0x3FC0), 0xC000]), [1.5, -2]),
            ("I32", bytes([Int32(-7), 9]), [-7, 9]),
            ("U8", [200, 1], [200, 1]),
            ("I8", [0xFF, 3], [-1, 3]),
            ("BOOL", [1, 0], [1, 0]),
        ]
        for (dtype, data, want) in cases {
            let file = path("\(dtype).safetensors")
            try rawSafeTensors(name: "t", dtype: dtype, shape: [2], data: data, to: file)
            XCTAssertEqual(try SafeTensors.read(file).tensors["t"]?.array, want, dtype)
        }
        let huge = path("huge.safetensors")
        try rawSafeTensors(name: "big", dtype: "F64", shape: [1], data: bytes([1e300]), to: huge)
        XCTAssertThrowsError(try SafeTensors.read(huge)) { error in
            XCTAssertTrue("\(error)".contains("'big'") && "\(error)".contains("float32"), "\(error)")
        }
        let strings = path("str.safetensors")
        try rawSafeTensors(name: "s", dtype: "STR", shape: [1], data: [0], to: strings)
        XCTAssertThrowsError(try SafeTensors.read(strings)) { error in
            XCTAssertTrue("\(error)".contains("'s' has dtype STR"), "\(error)")
        }
    }

    func rawSafeTensors(name: String, dtype: String, shape: [Int], data: [UInt8], to path: String) throws {
        var json = try JSONSerialization.data(withJSONObject: [name: ["dtype": dtype, "shape": shape, "data_offsets": [0, data.count]]])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(contentsOf: data)
        try file.write(to: URL(fileURLWithPath: path))
    }
}
