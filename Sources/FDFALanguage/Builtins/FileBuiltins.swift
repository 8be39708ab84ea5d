import FDFAEngine
import Foundation

extension BuiltinGroup {
    static let files = BuiltinGroup("Files", [
        Builtin("dump", [.required("t", .any), .required("path", .string)],
                summary: "Writes a tensor to a numpy .npy file, or a list of tensors to an .npz (float32, C order): np.load reads it.",
                details: "A list is written as np.savez(path, *tensors) writes it: members arr_0.npy, arr_1.npy, …; its path ends in .npz.") { args, _ in
            let path = try args.string("path")
            if case let .list(items) = args["t"], items.contains(where: { if case .tensor = $0 { return true } else { return false } }) {
                guard path.lowercased().hasSuffix(".npz") else {
                    throw LanguageError.runtime("dump: this list holds tensors, which go into an .npz archive (np.savez's format); "
                                                + "give a path ending in .npz, or dump one tensor, e.g. dump(xs[0], \"\(path)\")")
                }
                let tensors = try items.enumerated().map { i, item -> Tensor in
                    guard case let .tensor(t) = item else { throw LanguageError.runtime("dump: item \(i) of the list is not a tensor") }
                    return t
                }
                try Npz.write(tensors, to: path)
            } else {
                try Npy.write(try args.tensor("t"), to: path)
            }
            return .none
        },
        Builtin("load_npy", [.required("path", .string)],
                summary: "Reads a numpy .npy file into a tensor, or an .npz into a list (arr_0, arr_1, …) or a record by name.",
                details: """
                    Every numeric dtype (bool, int8–int64, uint8–uint64, float16–float64) in either byte order is converted
                    to float32; a value beyond float32's range is an error naming the element. An .npz written by
                    np.savez(path, *arrays) (or dump of a list) gives a list; one with named arrays, a record.
                    """) { args, _ in
            let path = try args.string("path")
            let bytes = try Npy.readBytes(path)
            guard bytes.starts(with: "PK".utf8) else { return .tensor(try Npy.decode(bytes, path: path)) }
            let arrays = try Npz.decode(bytes, path: path)
            if arrays.enumerated().allSatisfy({ $0.element.name == "arr_\($0.offset)" }) { return .list(arrays.map { .tensor($0.tensor) }) }
            return .record(Record(arrays.map { ($0.name, Value.tensor($0.tensor)) }))
        },
        Builtin("save", [.required("path", .string)],
                summary: "Saves this session's cells: as a script (.fdfa) or a notebook with outputs (.md or Jupyter's .ipynb).",
                details: """
                    Cells that failed are left out, and so are cells that saved, so replaying the notebook writes no
                    files; a cell stopped by Ctrl-C stays in, marked interrupted, since what it changed remains. The
                    notebook records the session's starting seed. Check a notebook later with `fdfa replay FILE.md`
                    (or .ipynb); run a script with `fdfa run FILE.fdfa`.
                    """) { args, session in
            let path = try args.string("path")
            session.markCellAsSaving()
            let kept = session.transcript.filter { !$0.saves && ($0.error == nil || $0.interrupted) }
            try Notebook(cells: kept, seed: session.seed).write(to: path)
            return .none
        },
    ])
}
