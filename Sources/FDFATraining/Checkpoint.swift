import FDFAEngine
import Foundation

/// A trainer's whole state in one safetensors file: parameters, BatchNorm running statistics,
/// feedback matrices, both optimisers' moments and step counts, the learning rate reached, and the
/// rule's random generator position — everything needed for a resumed run to give the same numbers
/// as an uninterrupted one. Callers add their own metadata (e.g. the command line, the epoch).
///
/// Tensor names: `layer{i}.{weight|bias|gamma|beta|running_mean|running_var}` (i counts layers from
/// 1), `tap{l}.feedback`, `adam.{k}.{m|v}` (k counts parameters from 0), `feedback_adam.{l}.{m|v}`.
public enum Checkpoint {
    public struct MismatchError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): checkpoint does not fit this run: \(reason)" }
    }

    /// The network's architecture as recorded in a checkpoint: input shape and layer specs.
    public static func architecture(of network: Network) -> String {
        format(network.inputShape) + " " + network.specs.map(\.description).joined(separator: ", ")
    }

    public static func save(_ trainer: Trainer, to path: String, metadata extra: [String: String] = [:]) throws {
        var metadata = extra
        metadata["fdfa.format"] = "1"
        metadata["rule"] = trainer.rule.rawValue
        metadata["architecture"] = architecture(of: trainer.network)
        metadata["steps"] = String(trainer.steps)
        metadata["epochs"] = String(trainer.epochs)
        metadata["learning_rate"] = String(trainer.optimizer.learningRate)
        metadata["optimizer_steps"] = String(trainer.optimizer.steps)
        metadata["feedback_optimizer_steps"] = String(trainer.feedbackOptimizer?.steps ?? 0)
        metadata.merge(record(trainer.rng, as: "rng")) { $1 }
        try SafeTensors.write(tensors(of: trainer), metadata: metadata, to: path)
    }

    /// Loads `path` into `trainer` (built for the same rule and architecture) and returns the
    /// checkpoint's metadata. Checks everything before changing anything: on a mismatch or a corrupt
    /// file it throws and the trainer is untouched.
    @discardableResult
    public static func restore(_ trainer: Trainer, from path: String) throws -> [String: String] {
        let (stored, metadata) = try SafeTensors.read(path)
        func require(_ key: String) throws -> String {
            guard let v = metadata[key] else { throw MismatchError(path: path, reason: "metadata '\(key)' is missing") }
            return v
        }
        func number<T: LosslessStringConvertible>(_ key: String) throws -> T {
            guard let v = T(try require(key)) else { throw MismatchError(path: path, reason: "metadata '\(key)' is not a number") }
            return v
        }
        guard try require("rule") == trainer.rule.rawValue else {
            throw MismatchError(path: path, reason: "it was trained with \(metadata["rule"]!), this run uses \(trainer.rule)")
        }
        guard try require("architecture") == architecture(of: trainer.network) else {
            throw MismatchError(path: path, reason: "its network is \(metadata["architecture"]!), this run's is \(architecture(of: trainer.network))")
        }
        let targets = tensors(of: trainer)
        for (name, target) in targets {
            guard let t = stored[name] else { throw MismatchError(path: path, reason: "tensor '\(name)' is missing") }
            guard t.shape == target.shape else {
                throw MismatchError(path: path, reason: "tensor '\(name)' has shape \(format(t.shape)), expected \(format(target.shape))")
            }
        }
        let steps: Int = try number("steps"), epochs: Int = try number("epochs")
        let learningRate: Float = try number("learning_rate")
        let optimizerSteps: Int = try number("optimizer_steps"), feedbackSteps: Int = try number("feedback_optimizer_steps")
        let rng = try random("rng", in: metadata, path: path)
        try validate(trainer, steps: steps, epochs: epochs, learningRate: learningRate, optimizerSteps: optimizerSteps,
                     feedbackSteps: feedbackSteps, stored: stored, path: path)

        for (name, target) in targets { target.assign(stored[name]!) }
        trainer.steps = steps
        trainer.epochs = epochs
        trainer.optimizer.learningRate = learningRate
        trainer.optimizer.steps = optimizerSteps
        trainer.feedbackOptimizer?.steps = feedbackSteps
        trainer.rng = rng
        return metadata
    }

    /// A generator's position as metadata: `{name}_seed` and `{name}_counter`.
    public static func record(_ random: Random, as name: String) -> [String: String] {
        ["\(name)_seed": String(random.seed), "\(name)_counter": String(random.counter)]
    }

    /// The generator recorded under `name` by `record(_:as:)`; throws when it is missing or garbled.
    public static func random(_ name: String, in metadata: [String: String], path: String) throws -> Random {
        guard let seed = metadata["\(name)_seed"].flatMap(UInt64.init),
              let counter = metadata["\(name)_counter"].flatMap(UInt64.init)
        else { throw MismatchError(path: path, reason: "it does not record the \(name) generator") }
        return Random(seed: seed, counter: counter)
    }

    /// The trainer's state tensors under their checkpoint names (the live tensors, not copies).
    static func tensors(of trainer: Trainer) -> [(name: String, tensor: Tensor)] {
        var list: [(String, Tensor)] = []
        for (i, layer) in trainer.network.layers.enumerated() {
            for p in layer.parameters { list.append(("layer\(i + 1).\(p.name)", p.value)) }
            if let bn = layer as? BatchNorm {
                list.append(("layer\(i + 1).running_mean", bn.runningMean))
                list.append(("layer\(i + 1).running_var", bn.runningVariance))
            }
        }
        for (k, moment) in trainer.optimizer.moments.enumerated() {
            list.append(("adam.\(k).m", moment.m))
            list.append(("adam.\(k).v", moment.v))
        }
        return list + trainer.learningRule.stateTensors
    }
}
