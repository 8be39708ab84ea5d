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
    ])
}
