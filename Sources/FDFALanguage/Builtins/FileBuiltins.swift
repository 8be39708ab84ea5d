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
                summary: "Saves this session's cells: as a script (.fdfa) or a notebook with outputs (.md).",
                details: "Only cells that ran without error are saved, in order. A notebook can be checked later\nwith `fdfa replay FILE.md`; a script can be run with `fdfa run FILE.fdfa`.") { args, session in
            let path = try args.string("path")
            let text = path.hasSuffix(".md") ? Notebook(cells: session.transcript).markdown : Notebook.script(session.transcript)
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw LanguageError.runtime("cannot write \(path): \(error.localizedDescription)")
            }
            return .none
        },
    ])
}
