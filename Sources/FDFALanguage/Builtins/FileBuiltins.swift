import Foundation

extension BuiltinGroup {
    static let files = BuiltinGroup("Files", [
        Builtin("dump", [.required("t", .tensorLike), .required("path", .string)],
                summary: "Writes a tensor to a numpy .npy file (float32, C order): np.load reads it.") { args, _ in
            try Npy.write(try args.tensor("t"), to: try args.string("path"))
            return .none
        },
        Builtin("load_npy", [.required("path", .string)],
                summary: "Reads a numpy .npy file (float32 or float64, C order) into a tensor.") { args, _ in
            .tensor(try Npy.read(try args.string("path")))
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
