import FDFAEngine
import FDFATraining
import Foundation

/// A notebook: code cells with what they showed, prose (Markdown) cells between them, and the seed
/// the session started with. It is kept as fdfa's Markdown (`MarkdownNotebook.swift`), as Jupyter's
/// `.ipynb` (`Ipynb.swift`), or without outputs as a script; `NotebookFormat` picks by extension.
public struct Notebook: Equatable {
    public var cells: [Cell]
    /// The session's starting seed when the outputs were recorded; replay starts with the same.
    public var seed: UInt64
    /// A Jupyter notebook's metadata beyond fdfa's own (kernelspec, language_info, fdfa), by key,
    /// written back as it was.
    public var jupyterMetadata: [String: JSONValue] = [:]

    public init(cells: [Cell], seed: UInt64 = 0) {
        self.cells = cells
        self.seed = seed
    }

    /// A script's blank-line separated chunks (see `Cells`) as code cells that have not run; a
    /// chunk of comment lines alone is prose, a Markdown cell (the inverse of `script`).
    public init(script: String) {
        self.init(cells: Cells.split(script).map { chunk in
            let lines = chunk.text.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.allSatisfy({ $0.hasPrefix("#") }) else { return Cell(input: chunk.text, executed: false) }
            return .markdown(lines.map { $0.dropFirst($0.hasPrefix("# ") ? 2 : 1) }.joined(separator: "\n"))
        })
    }

    public var codeCells: [Cell] { cells.filter { $0.kind == .code } }

    /// The inputs alone, blank-line separated: a script `fdfa run` accepts (and splits the same
    /// way). Prose becomes comment lines.
    public var script: String {
        cells.map { cell in
            guard cell.kind != .code else { return cell.input }
            return cell.input.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "#" : "# " + $0 }
                .joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }
}

/// The three ways a notebook is kept on disk, chosen by the file's extension.
public enum NotebookFormat: String, CaseIterable {
    case script = "fdfa", markdown = "md", ipynb

    /// The format of `path`, or an error naming the extensions there are.
    public init(path: String) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard let format = NotebookFormat(rawValue: ext) else {
            throw LanguageError.runtime("\(path): expected a .fdfa script, an .md notebook or an .ipynb notebook")
        }
        self = format
    }

    public var holdsOutputs: Bool { self != .script }

    public func render(_ notebook: Notebook) -> String {
        switch self {
        case .script: return notebook.script
        case .markdown: return notebook.markdown
        case .ipynb: return notebook.ipynb
        }
    }

    /// Reads `text` (the contents of `path`, named in errors). Line endings may be CRLF.
    public func parse(_ text: String, path: String) throws -> Notebook {
        switch self {
        case .script: return Notebook(script: text)
        case .markdown: return Notebook(markdown: text)
        case .ipynb: return try Notebook(ipynb: text, path: path)
        }
    }
}

extension Notebook {
    /// Reads a notebook or script in the format its extension names.
    public static func read(_ path: String) throws -> Notebook {
        let format = try NotebookFormat(path: path)
        return try format.parse(try text(of: path), path: path)
    }

    /// The contents of a text file, or an error saying why not.
    public static func text(of path: String) throws -> String {
        do { return try readText(path) } catch { throw LanguageError.runtime("\(error)") }
    }

    /// Writes the notebook all or nothing (see `AtomicFile`: a reader never sees half a file) in the format of `path`.
    public func write(to path: String) throws {
        let text = try NotebookFormat(path: path).render(self)
        do { try AtomicFile.write(text, to: path) } catch { throw LanguageError.runtime("\(error)") }
    }

    /// An error unless a file can be written at `path` (its folder exists and is writable), so a
    /// long run does not end by failing to save its record.
    public static func checkWritable(_ path: String) throws {
        _ = try NotebookFormat(path: path)
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw LanguageError.runtime("cannot write \(path): no folder \(folder)")
        }
        guard FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
            throw LanguageError.runtime("cannot write \(path): the folder is not writable")
        }
    }
}
