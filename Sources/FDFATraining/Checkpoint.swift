import FDFAEngine
import Foundation

/// A trainer's whole state in one safetensors file: parameters, BatchNorm running statistics,
/// feedback matrices, both optimisers' moments and step counts, the learning rate reached, and the
/// rule's random generator position — everything needed for a resumed run to give the same numbers
/// as an uninterrupted one. Callers add their own metadata (e.g. the command line, the epoch).
///
/// Tensor names: the network's PyTorch state_dict (`StateDict`: the original's names and shapes for
/// its networks, `nn.Sequential` numbering for other stacks), so the original's
/// `model.load_state_dict(load_file(path), strict=False)` takes the weights, statistics and feedback
/// matrices (the rule's `tapFeedback`); fdfa's own state under `fdfa.`: `fdfa.adam.{k}.{m|v}` (k counts
/// parameters from 0) and the rule's other state tensors (`checkpointName(ofRuleTensor:modules:)`):
/// `fdfa.feedback_adam.{l}.{m|v}` (l counts feedback matrices from 1), FA's fixed matrices
/// `fdfa.{module}.feedback`; the rule, step counts and generators in the metadata. Checkpoints of
/// earlier fdfa versions (`layer{i}.gamma`, `tap{l}.feedback`, `adam.{k}.m`, `layer{i}.feedback`) load as well.
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
        metadata["fdfa.format"] = "2"   // 2: the original's state_dict names; 1: layer{i}/tap{l} names
        metadata["rule"] = trainer.rule.rawValue
        metadata["architecture"] = architecture(of: trainer.network)
        metadata["steps"] = String(trainer.steps)
        metadata["epochs"] = String(trainer.epochs)
        metadata["learning_rate"] = String(trainer.optimizer.learningRate)
        metadata["optimizer_steps"] = String(trainer.optimizer.steps)
        metadata["feedback_optimizer_steps"] = String(trainer.feedbackOptimizer?.steps ?? 0)
        metadata.merge(record(trainer.rng, as: "rng")) { $1 }
        let stateDict = StateDict.writable(trainer.network, feedback: trainer.learningRule.tapFeedback, batchesTracked: trainer.steps)
        let extras = tensors(of: trainer).filter { $0.name.hasPrefix(prefix) }
        try SafeTensors.write(stateDict.tensors + extras, metadata: metadata, to: path, integers: stateDict.integers)
    }

    /// Loads `path` into `trainer` (built for the same rule and architecture) and returns the
    /// checkpoint's metadata. Checks everything before changing anything: on a mismatch or a corrupt
    /// file it throws and the trainer is untouched.
    @discardableResult
    public static func restore(_ trainer: Trainer, from path: String) throws -> [String: String] {
        let (file, metadata) = try SafeTensors.read(path)
        let stored = upgradingLegacyNames(file, entries: StateDict.entries(of: trainer.network, feedback: trainer.learningRule.tapFeedback),
                                          modules: StateDict.moduleNames(of: trainer.network))
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
        let feedback = trainer.learningRule.tapFeedback
        var list = StateDict.entries(of: trainer.network, feedback: feedback)
            .filter { $0.role == .parameter || $0.role == .statistic || $0.role == .feedback }
            .map { (name: $0.name, tensor: $0.tensor) }
        for (k, moment) in trainer.optimizer.moments.enumerated() {
            list.append(("\(prefix)adam.\(k).m", moment.m))
            list.append(("\(prefix)adam.\(k).v", moment.v))
        }
        // The rule's tap feedback matrices are the state_dict's `feedbacks` above; the rest of its state is fdfa's own.
        let modules = StateDict.moduleNames(of: trainer.network)
        for (name, tensor) in trainer.learningRule.stateTensors where !feedback.contains(where: { $0 === tensor }) {
            list.append((checkpointName(ofRuleTensor: name, modules: modules), tensor))
        }
        return list
    }

    /// The prefix of fdfa's own tensors, which the original's networks do not have.
    public static let prefix = "fdfa."

    /// The checkpoint name of a rule's state tensor (`LearningRule.stateTensors`): under `fdfa.`, with
    /// the rule's layer numbering replaced by the layer's module name as for the network's tensors. So
    /// FA's fixed matrix B_i for layer i (`layer{i}.feedback`, shaped like that Linear's weight) is
    /// `fdfa.{module}.feedback` (`fdfa.fc_hidden.0.feedback`, `fdfa.fc_out.feedback`; `fdfa.0.feedback`
    /// in a stack of nn.Sequential names), and the feedback optimiser's moments `fdfa.feedback_adam.{l}.{m|v}`.
    static func checkpointName(ofRuleTensor name: String, modules: [Int: String]) -> String {
        let parts = name.split(separator: ".", maxSplits: 1)
        if parts.count == 2, parts[0].hasPrefix("layer"), let i = Int(parts[0].dropFirst("layer".count)), let module = modules[i - 1] {
            return prefix + module + "." + parts[1]
        }
        return prefix + name
    }

    /// `stored` with the names of an earlier fdfa checkpoint (`layer2.gamma`, `tap1.feedback`,
    /// `adam.0.m`, FA's `layer2.feedback`) replaced by today's; the feedback matrices, stored flat
    /// then, take the original's shape. `entries` are the network's state_dict, `modules` its module names.
    static func upgradingLegacyNames(_ stored: [String: Tensor], entries: [StateDict.Entry], modules: [Int: String]) -> [String: Tensor] {
        var upgraded = stored
        for entry in entries {
            guard upgraded[entry.name] == nil, let legacy = entry.legacyName, let old = stored[legacy] else { continue }
            upgraded[entry.name] = entry.role == .feedback && old.count == entry.tensor.count ? old.viewed(as: entry.tensor.shape) : old
            upgraded[legacy] = nil
        }
        for (name, tensor) in stored where name.hasPrefix("adam.") || name.hasPrefix("feedback_adam.")
            || (name.hasPrefix("layer") && name.hasSuffix(".feedback")) {
            let current = name.hasPrefix("adam.") ? prefix + name : checkpointName(ofRuleTensor: name, modules: modules)
            upgraded[name] = nil
            if upgraded[current] == nil { upgraded[current] = tensor }
        }
        return upgraded
    }
}
