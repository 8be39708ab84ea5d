import FDFAEngine
import Foundation

/// A network's tensors under PyTorch `state_dict` names, so checkpoints and weights go both ways
/// between fdfa and the PyTorch original (Florian-BACHO/FDFA).
///
/// The reference networks take the original's module names (networks/*.py):
/// - fc (`fc_mnist.py`, `fc_cifar10.py`): `fc_hidden.{b}`, `bn_hidden.{b}`, `fc_dfa.{b}`, `fc_out`
/// - shallow CNN (`conv_mnist.py`, `conv_cifar10.py`): `conv1`, `conv1_bn`, `conv1_dfa`, `conv2`, …, `fc1_dfa`, `fc_out`
/// - AlexNet (`alexnet_cifar100.py`): `features.conv_{c}`, `features.bn_{c}`, `features.conv_{c}_dfa`,
///   `classifier.linear_{l}`, `classifier.linear_{l}_bn`, `classifier.linear_{l}_dfa`
/// - FG-W's net (`fc_mnist_fwd.py`): `fc_hidden.{b}`, `fc_out`
///
/// Any other stack is named as `nn.Sequential` numbers its modules: `{i}` is the layer's position
/// from 0 (fdfa's `net.layer(i + 1)`), taps included.
///
/// Under each module: Linear and Conv2d `weight`, `bias`; BatchNorm `weight` (γ), `bias` (β),
/// `running_mean`, `running_var`, `num_batches_tracked` (an int64 scalar); a tap `feedbacks`, shaped
/// as the original's: classes × the tap's per-sample shape (10 × 15 × 24 × 24 after the CNN's first
/// convolution), and empty (shape [0]) when the rule has none, as the original's BP mode leaves it.
///
/// The feedback matrices belong to the learning rule, not the network: callers pass them as
/// `feedback`, B_l for tap l at l − 1 (`trainer.learningRule.tapFeedback`, empty for a rule without).
/// A rule's other state (FA's per-layer matrices, the feedback optimiser) is not the original's and
/// is not here: checkpoints keep it under `fdfa.` (`Checkpoint`).
public enum StateDict {
    /// One tensor of the state_dict.
    public struct Entry {
        public enum Role: Equatable {
            /// A weight or bias (BatchNorm's γ and β too): `tensor` is the network's own.
            case parameter
            /// A BatchNorm running statistic: `tensor` is the network's own.
            case statistic
            /// A feedback matrix B, viewed in the original's shape (`tensor` shares B's storage).
            case feedback
            /// An empty placeholder for a tap without feedback (the original's BP mode).
            case absentFeedback
            /// BatchNorm's `num_batches_tracked`: an int64 scalar fdfa does not keep.
            case batchesTracked
        }

        public let name: String
        public let tensor: Tensor
        public let role: Role
        /// The name fdfa's checkpoints used before they took the original's names (`layer2.gamma`).
        public let legacyName: String?
    }

    /// The network's state_dict entries in PyTorch's order: by module registration, where the
    /// original registers each ModuleList whole (all of `fc_hidden`, then all of `bn_hidden`, …).
    public static func entries(of network: Network, feedback: [Tensor]) -> [Entry] {
        let list = entriesInLayerOrder(of: network, feedback: feedback)
        var rank: [Substring: Int] = [:]
        for entry in list { let top = entry.name.prefix { $0 != "." }; if rank[top] == nil { rank[top] = rank.count } }
        return list.enumerated().sorted {
            (rank[$0.element.name.prefix { $0 != "." }]!, $0.offset) < (rank[$1.element.name.prefix { $0 != "." }]!, $1.offset)
        }.map(\.element)
    }

    static func entriesInLayerOrder(of network: Network, feedback: [Tensor]) -> [Entry] {
        let modules = moduleNames(of: network)
        var list: [Entry] = []
        for (i, layer) in network.layers.enumerated() {
            guard let module = modules[i] else { continue }
            let legacy = "layer\(i + 1)"
            if let bn = layer as? BatchNorm {
                list.append(Entry(name: "\(module).weight", tensor: bn.gamma.value, role: .parameter, legacyName: "\(legacy).gamma"))
                list.append(Entry(name: "\(module).bias", tensor: bn.beta.value, role: .parameter, legacyName: "\(legacy).beta"))
                list.append(Entry(name: "\(module).running_mean", tensor: bn.runningMean, role: .statistic, legacyName: "\(legacy).running_mean"))
                list.append(Entry(name: "\(module).running_var", tensor: bn.runningVariance, role: .statistic, legacyName: "\(legacy).running_var"))
                list.append(Entry(name: "\(module).num_batches_tracked", tensor: Tensor(zeros: []), role: .batchesTracked, legacyName: nil))
            } else if let tap = layer as? Tap {
                let shape = [network.classes] + tap.inputShape
                if let b = feedback.indices.contains(tap.index - 1) ? feedback[tap.index - 1] : nil {
                    list.append(Entry(name: "\(module).feedbacks", tensor: b.viewed(as: shape), role: .feedback,
                                      legacyName: "tap\(tap.index).feedback"))
                } else {
                    list.append(Entry(name: "\(module).feedbacks", tensor: Tensor(zeros: [0]), role: .absentFeedback, legacyName: nil))
                }
            } else {
                for p in layer.parameters {
                    list.append(Entry(name: "\(module).\(p.name)", tensor: p.value, role: .parameter, legacyName: "\(legacy).\(p.name)"))
                }
            }
        }
        return list
    }

    /// Everything the original's state_dict holds, ready for `SafeTensors.write`: the entries, with
    /// `num_batches_tracked` set to `batchesTracked` (each training step is one BatchNorm batch) and
    /// written as int64 like PyTorch's.
    static func writable(_ network: Network, feedback: [Tensor], batchesTracked: Int)
        -> (tensors: [(name: String, tensor: Tensor)], integers: Set<String>) {
        let all = entries(of: network, feedback: feedback)
        for entry in all where entry.role == .batchesTracked { entry.tensor.fill(Float(batchesTracked)) }
        return (all.map { ($0.name, $0.tensor) }, Set(all.filter { $0.role == .batchesTracked }.map(\.name)))
    }

    /// Writes the network's plain state_dict to `path` (atomically), as `torch.save`'s safetensors
    /// counterpart would: no optimiser state, metadata `format: pt`.
    public static func export(_ network: Network, feedback: [Tensor], batchesTracked: Int, to path: String) throws {
        let (tensors, integers) = writable(network, feedback: feedback, batchesTracked: batchesTracked)
        try SafeTensors.write(tensors, metadata: ["format": "pt"], to: path, integers: integers)
    }

    public struct ImportError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot load these weights: \(reason)" }
    }

    /// Loads a state_dict (a PyTorch one saved with `safetensors.torch.save_file`, an fdfa checkpoint
    /// or an `export`) into `network`: every weight, bias and BatchNorm statistic must be there with
    /// its exact shape; feedback matrices are taken when the file has them and the network's rule
    /// keeps one (`feedback`, as for `entries`); `num_batches_tracked` and fdfa's own `fdfa.` tensors
    /// are not needed. Everything is checked before anything changes; an error names the tensor.
    public static func load(_ path: String, into network: Network, feedback: [Tensor]) throws {
        let all = entries(of: network, feedback: feedback)
        let stored = Checkpoint.upgradingLegacyNames(try SafeTensors.read(path).tensors, entries: all, modules: moduleNames(of: network))
        let known = Set(all.map(\.name))
        if let stray = stored.keys.sorted().first(where: { !known.contains($0) && !$0.hasPrefix(Checkpoint.prefix) }) {
            throw ImportError(path: path, reason: "tensor '\(stray)' is not part of this network, whose tensors are "
                + all.map(\.name).prefix(6).joined(separator: ", ") + (all.count > 6 ? ", …" : ""))
        }
        var assignments: [(Tensor, Tensor)] = []
        for entry in all {
            guard let t = stored[entry.name] else {
                guard entry.role != .parameter && entry.role != .statistic else { throw ImportError(path: path, reason: "tensor '\(entry.name)' is missing") }
                continue
            }
            switch entry.role {
            case .parameter, .statistic, .feedback:
                if entry.role == .feedback && t.count == 0 { continue }
                guard t.shape == entry.tensor.shape else {
                    throw ImportError(path: path, reason: "tensor '\(entry.name)' has shape \(t.shape), this network's is \(entry.tensor.shape)")
                }
                assignments.append((entry.tensor, t))
            case .batchesTracked:
                guard t.shape.isEmpty || t.shape == [1] else {
                    throw ImportError(path: path, reason: "tensor '\(entry.name)' has shape \(t.shape), expected a scalar")
                }
            case .absentFeedback:
                continue
            }
        }
        for (target, value) in assignments { target.assign(value) }
    }

    /// The module name of each layer that holds state (parameters, statistics or a tap), by layer index.
    static func moduleNames(of network: Network) -> [Int: String] {
        let stateful = network.layers.indices.filter { network.layers[$0] is Tap || !network.layers[$0].parameters.isEmpty }
        let names: [String]
        switch Reference(network) {
        case let .fc(blocks):
            names = (0 ..< blocks).flatMap { ["fc_hidden.\($0)", "bn_hidden.\($0)", "fc_dfa.\($0)"] } + ["fc_out"]
        case let .fgw(blocks):
            names = (0 ..< blocks).map { "fc_hidden.\($0)" } + ["fc_out"]
        case .shallowCNN:
            names = ["conv1", "conv1_bn", "conv1_dfa", "conv2", "conv2_bn", "conv2_dfa", "fc1", "fc1_bn", "fc1_dfa", "fc_out"]
        case .alexNet:
            names = (1 ... 5).flatMap { ["features.conv_\($0)", "features.bn_\($0)", "features.conv_\($0)_dfa"] }
                + (1 ... 2).flatMap { ["classifier.linear_\($0)", "classifier.linear_\($0)_bn", "classifier.linear_\($0)_dfa"] }
                + ["classifier.linear_3"]
        case nil:
            return Dictionary(uniqueKeysWithValues: stateful.map { ($0, String($0)) })
        }
        precondition(names.count == stateful.count, "a reference network's stateful layers do not match its module names")
        return Dictionary(uniqueKeysWithValues: zip(stateful, names).map { ($0, $1) })
    }

    /// Which of the original's networks a spec list is, if any (the input shape does not change names).
    enum Reference: Equatable {
        case fc(blocks: Int), fgw(blocks: Int), shallowCNN, alexNet

        init?(_ network: Network) {
            let specs = network.specs, classes = network.classes
            let hidden = specs.dropLast().compactMap { spec -> Int? in
                if case let .linear(n) = spec { return n } else { return nil }
            }
            if specs == LayerSpec.fc(hidden: hidden, classes: classes) {
                self = .fc(blocks: hidden.count)
            } else if specs == LayerSpec.fgw(hidden: hidden, classes: classes) {
                self = .fgw(blocks: hidden.count)
            } else if specs == LayerSpec.shallowCNN(classes: classes) {
                self = .shallowCNN
            } else if specs == LayerSpec.alexNet(classes: classes) {
                self = .alexNet
            } else {
                return nil
            }
        }
    }
}
