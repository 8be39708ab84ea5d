import FDFAEngine
import FDFATraining
import Foundation

/// A network in a session together with the trainer that trains it, so that `step`, `train`,
/// `save_checkpoint` and the analysis built-ins all see one state: parameters, feedback matrices,
/// optimiser moments, step count.
///
/// The seed given when the network was made is split by `SeedPlan`: one stream for the initial
/// weights, one for the rule (DFA's random feedback, perturbations), one for the data order of `train`.
final class NetworkValue: HostObject {
    let network: Network
    /// What the preset or stack was called, for printing: "fc", "stack".
    let kind: String
    let seeds: SeedPlan
    private(set) var trainer: Trainer
    /// Orders of `train`'s epochs; a stream of its own, so analysis draws never shift them.
    private var dataRandom: Random

    init(_ network: Network, kind: String, seeds: SeedPlan, rule: Rule? = nil) throws {
        self.network = network
        self.kind = kind
        self.seeds = seeds
        let rule = rule ?? Rule.default(for: network)
        trainer = try Self.trainer(network, rule: rule, rule.defaultHyperparameters, seeds)
        dataRandom = Random(seed: seeds.data)
    }

    /// A trainer for `rule`, or the reason the rule cannot train this network as a language error.
    private static func trainer(_ network: Network, rule: Rule, _ hyperparameters: Hyperparameters, _ seeds: SeedPlan) throws -> Trainer {
        do {
            return try Trainer(network: network, rule: rule, hyperparameters: hyperparameters, seed: seeds.rule)
        } catch let error as RuleError {
            throw LanguageError.runtime("\(error)")
        }
    }

    /// Changes the rule and hyperparameters. The same rule keeps the trainer (its optimiser moments,
    /// feedback matrices and step count) and only retunes it; another rule needs a new trainer, which
    /// starts its feedback matrices and optimiser state afresh while the parameters keep their values.
    /// Returns whether the trainer was replaced; throws, changing nothing, when the rule cannot train
    /// this network.
    @discardableResult
    func configure(rule: Rule, hyperparameters: Hyperparameters) throws -> Bool {
        guard rule != trainer.rule else {
            trainer.hyperparameters = hyperparameters
            return false
        }
        trainer = try Self.trainer(network, rule: rule, hyperparameters, seeds)
        return true
    }

    /// An epoch `train(…, steps=n)` left unfinished, with what it trains on, for the next call to continue.
    struct OpenEpoch {
        let run: TrainingRun
        /// The data set or split object `train` was given, and the batch size.
        let data: ObjectIdentifier
        let batchSize: Int
    }

    var openEpoch: OpenEpoch?

    /// The open epoch's run if it trains this trainer on `data` with batches of `batchSize`.
    func openRun(data: ObjectIdentifier, batchSize: Int) -> TrainingRun? {
        guard let open = openEpoch, open.data == data, open.batchSize == batchSize, open.run.trainer === trainer else { return nil }
        return open.run
    }

    /// A fresh seed for the order of one call of `train`.
    func nextDataSeed() -> UInt64 { UInt64(dataRandom.nextInt(below: Int(Int32.max))) }

    var typeName: String { "network" }
    var fieldNames: [String] {
        ["layers", "layer", "taps", "tap", "params", "rule", "config", "steps", "epochs", "input_shape", "classes", "parameter_count"]
    }

    func field(_ name: String) -> Value? {
        switch name {
        case "layers": return .list(network.layers.indices.map { .host(LayerValue(network, index: $0)) })
        case "layer": return .builtin(layerAccessor)
        case "taps": return .list(network.taps.map { .host(TapValue($0, rule: trainer.learningRule)) })
        case "tap": return .builtin(tapAccessor)
        case "params": return .list(network.parameters.map { .tensor($0.value.copy()) })
        case "rule": return .string(trainer.rule.rawValue)
        case "config": return .record(TrainingConfiguration.record(trainer))
        case "steps": return .number(Double(trainer.steps))
        case "epochs": return .number(Double(trainer.epochs))
        case "input_shape": return .dimensions(network.inputShape)
        case "classes": return .number(Double(network.classes))
        case "parameter_count": return .number(Double(network.parameterCount))
        default: return nil
        }
    }

    var description: String {
        "network \(kind): \(format(network.inputShape)) → \(counted(network.classes, "class", plural: "classes")), \(counted(network.layers.count, "layer")), "
            + "\(counted(network.parameterCount, "parameter")), rule \(trainer.rule), \(counted(trainer.steps, "step"))"
    }

    /// `net.layer(i)`: 1-based, as `info` numbers the layers and engine messages cite them.
    private var layerAccessor: Builtin {
        Builtin("layer", [.required("i", .integer)], summary: "Layer i of the network, 1-based as info(net) numbers them.") { [network] args, _ in
            let i = try args.integer("i")
            guard (1 ... network.layers.count).contains(i) else {
                throw LanguageError.runtime("the network has layers 1 to \(network.layers.count), not \(i)")
            }
            return .host(LayerValue(network, index: i - 1))
        }
    }

    /// `net.tap(l)`: 1-based, tap 1 nearest the input (docs/reference.md#notation).
    private var tapAccessor: Builtin {
        Builtin("tap", [.required("l", .integer)], summary: "Tap l of the network (1 nearest the input).") { [network, trainer] args, _ in
            .host(TapValue(try Self.tap(network, try args.integer("l")), rule: trainer.learningRule))
        }
    }

    /// The network's tap `l`, or an error naming the taps there are.
    static func tap(_ network: Network, _ l: Int) throws -> Tap {
        guard let tap = network.tap(l) else {
            throw LanguageError.runtime(network.taps.isEmpty ? "the network has no taps"
                                        : "the network has taps 1 to \(network.taps.count), not \(l)")
        }
        return tap
    }

    /// The batch's images as this network's input: any per-sample shape with the same number of
    /// values is viewed as the network's (a flat 784 network takes 1×28×28 images). Labels must
    /// name one of the network's classes.
    func inputs(_ batch: BatchValue) throws -> Tensor {
        let sample = Array(batch.images.shape.dropFirst())
        guard sample.elementCount == network.inputShape.elementCount else {
            throw LanguageError.runtime("a batch of \(format(sample)) samples does not fit the network's input \(format(network.inputShape))")
        }
        if let bad = batch.labels.first(where: { $0 < 0 || Int($0) >= network.classes }) {
            throw LanguageError.runtime("label \(bad) in the batch, but the network has \(network.classes) classes")
        }
        try checkPassFits(samples: batch.labels.count)
        return batch.images.viewed(as: [batch.labels.count] + network.inputShape)
    }

    /// Refuses a pass over `samples` samples at once whose buffers (every layer's outputs, their
    /// gradients and scratch; see `TrainingRun.stepFloats`) would not fit the memory budget, before
    /// anything is allocated: a huge batch is an error, not the end of the session.
    func checkPassFits(samples: Int) throws {
        try MemoryBudget.check(floats: TrainingRun.stepFloats(network, batchSize: samples),
                               "a batch of \(samples) samples through this network (\(network.layers.count) layers)")
    }
}

extension NetworkValue {
    /// A list with one tensor per parameter (a direction `v`, new values), each with its parameter's
    /// number of elements, viewed in its shape; errors name the argument and the tensor.
    func parameterTensors(_ value: Value, argument: String) throws -> [Tensor] {
        let tensors = try value.tensors(argument), parameters = network.parameters
        guard tensors.count == parameters.count else {
            throw LanguageError.runtime("'\(argument)' has \(tensors.count) tensors; the network has \(parameters.count) parameter tensors (as in net.params)")
        }
        for (i, (t, p)) in zip(tensors, parameters).enumerated() where t.count != p.value.count {
            throw LanguageError.runtime("'\(argument)' #\(i + 1) has shape \(t.shape); parameter \(i + 1) is \(p.value.shape)")
        }
        return zip(tensors, parameters).map { t, p in t.viewed(as: p.value.shape) }
    }
}

extension NetworkValue: Informative {
    /// One line per layer: its number, what it is, its output shape and its parameter count.
    var information: String {
        ([description] + network.layers.indices.map { LayerValue(network, index: $0).row }).joined(separator: "\n")
    }
}

extension NetworkValue: Tabular {
    /// `info(net)`'s rows: one per layer.
    var table: Table {
        Table(caption: description, columns: LayerValue.columns, rows: network.layers.indices.map { LayerValue(network, index: $0).cells })
    }
}
