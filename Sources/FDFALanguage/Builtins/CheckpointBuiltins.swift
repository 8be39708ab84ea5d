import FDFAEngine
import FDFATraining
import Foundation

/// A network's whole training state in a safetensors file (see `Checkpoint`): parameters, BatchNorm
/// statistics, feedback matrices, optimiser moments, step counts and the rule's generator.
extension BuiltinGroup {
    static let checkpoints = BuiltinGroup("Checkpoints", [
        Builtin("save_checkpoint", [.required("net", .host("network")), .required("path", .string)],
                summary: "Writes the network's training state to a .safetensors file (atomically: all or nothing).") { args, _ in
            let net = args.host("net", NetworkValue.self), path = try args.string("path")
            do {
                try Checkpoint.save(net.trainer, to: path, metadata: ["seed": String(net.seeds.seed)])
            } catch {
                throw LanguageError.runtime("cannot write \(path): \(error)")
            }
            return .none
        },
        Builtin("load_checkpoint", [.required("net", .host("network")), .required("path", .string)],
                summary: "Restores a network's training state from a checkpoint of the same architecture and rule.",
                details: """
                    Everything is checked before anything changes: a corrupt file, another architecture or another rule
                    is an error and leaves the network as it was. To load a checkpoint of another rule, configure
                    that rule first.
                    """) { args, _ in
            let net = args.host("net", NetworkValue.self), path = try args.string("path")
            guard FileManager.default.fileExists(atPath: path) else { throw LanguageError.runtime("no such file: \(path)") }
            do {
                try Checkpoint.restore(net.trainer, from: path)
            } catch {
                throw LanguageError.runtime("\(error)")
            }
            return .none
        },
        Builtin("load_weights", [.required("net", .host("network")), .required("path", .string)],
                summary: "Loads weights and BatchNorm statistics from a PyTorch state_dict saved as safetensors.",
                details: """
                    The names are the original's (fc_hidden.0.weight, bn_hidden.0.running_var, conv1_dfa.feedbacks, …) for its
                    networks and nn.Sequential's (0.weight, …) for other stacks; an export_weights file or a checkpoint loads too.
                    Every shape is checked before anything changes. Feedback matrices are taken when the file has them and the
                    rule keeps one; the optimiser state stays as it was.
                    """) { args, _ in
            let net = args.host("net", NetworkValue.self), path = try args.string("path")
            do {
                try StateDict.load(path, into: net.trainer.network, feedback: net.trainer.learningRule.tapFeedback)
            } catch {
                throw LanguageError.runtime("\(error)")
            }
            return .none
        },
        Builtin("export_weights", [.required("net", .host("network")), .required("path", .string)],
                summary: "Writes the network's plain state_dict (no optimiser state) for torch's load_state_dict.",
                details: """
                    Python: model.load_state_dict(safetensors.torch.load_file(path)) on the original's network for the same
                    flags (after its first forward pass, which creates its feedback matrices).
                    """) { args, _ in
            let net = args.host("net", NetworkValue.self), path = try args.string("path")
            do {
                try StateDict.export(net.trainer.network, feedback: net.trainer.learningRule.tapFeedback, batchesTracked: net.trainer.steps, to: path)
            } catch {
                throw LanguageError.runtime("cannot write \(path): \(error)")
            }
            return .none
        },
    ])
}
