import Foundation

/// Jupyter notebooks, nbformat 4.5 (https://nbformat.readthedocs.io/en/latest/format_description.html).
///
/// Written: code cells with their outputs (printed text as a stdout stream, plots as display_data
/// with image/svg+xml and text/plain, the error as an error output), prose as Markdown cells (a raw
/// cell read stays raw), the kernelspec of the fdfa Jupyter kernel and the seed in the notebook's
/// metadata. Read: the same,
/// and notebooks Jupyter wrote after running them on the fdfa kernel (execute_result and
/// display_data count by their data, stdout and stderr streams as text). What fdfa does not read (cell
/// ids, metadata, attachments, the notebook's metadata) is kept and written back; the layout is
/// Jupyter's own (`JupyterJSON`).
extension Notebook {
    static let kernelspec: [String: Any] = ["name": "fdfa", "display_name": "fdfa", "language": "fdfa"]
    static let languageInfo: [String: Any] = ["name": "fdfa", "file_extension": ".fdfa", "mimetype": "text/x-fdfa"]

    public var ipynb: String {
        var executionCount = 0
        let jsonCells: [[String: Any]] = cells.enumerated().map { index, cell in
            var json: [String: Any] = cell.jupyter
            json["id"] = json["id"] ?? "cell-\(index + 1)"
            json["metadata"] = json["metadata"] ?? [String: Any]()
            json["source"] = JupyterJSON.lines(cell.input)
            guard cell.kind == .code else {
                json["cell_type"] = cell.kind == .raw ? "raw" : "markdown"
                return json
            }
            json["cell_type"] = "code"
            if cell.interrupted {
                json["metadata"] = (cell.jupyter["metadata"]?.members ?? [:]).merging(["fdfa": .object(["interrupted": .bool(true)])]) { $1 }
            }
            if cell.executed {
                executionCount += 1
                json["execution_count"] = executionCount
            } else {
                json["execution_count"] = NSNull()
            }
            json["outputs"] = cell.outputs.map { Notebook.json($0, interrupted: cell.interrupted) }
            return json
        }
        let metadata = (jupyterMetadata as [String: Any])
            .merging(["kernelspec": Notebook.kernelspec, "language_info": Notebook.languageInfo, "fdfa": ["seed": seed]]) { $1 }
        let notebook: [String: Any] = [
            "cells": jsonCells,
            "metadata": metadata,
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
        return JupyterJSON.text(notebook) + "\n"
    }

    private static func json(_ output: CellOutput, interrupted: Bool) -> [String: Any] {
        switch output {
        case .text(let text):
            return ["output_type": "stream", "name": "stdout", "text": JupyterJSON.lines(text)]
        case .display(let data):
            return ["output_type": "display_data", "metadata": [String: Any](), "data": mimeBundle(data)]
        case .error(let text):
            let first = text.split(separator: "\n").first.map(String.init) ?? text
            return ["output_type": "error", "ename": interrupted ? "KeyboardInterrupt" : "error", "evalue": first,
                    "traceback": text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)]
        }
    }

    /// A display's data as nbformat writes it: text (text/*, SVG, JavaScript) as a list of lines,
    /// anything else (a base64 PNG) as one string.
    private static func mimeBundle(_ data: [String: String]) -> [String: Any] {
        var bundle: [String: Any] = [:]
        for (type, value) in data {
            let split = type.hasPrefix("text/") || type == CellOutput.svg || type == "application/javascript"
            bundle[type] = split ? JupyterJSON.lines(value) : value
        }
        return bundle
    }

    /// Reads an nbformat 4 notebook; `path` names it in errors.
    public init(ipynb text: String, path: String) throws {
        func fail(_ why: String) -> LanguageError { LanguageError.runtime("\(path): \(why)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let root = object as? [String: Any] else {
            throw fail("not a Jupyter notebook (not a JSON object)")
        }
        guard root["nbformat"] as? Int == 4, let jsonCells = root["cells"] as? [[String: Any]] else {
            throw fail("not an nbformat 4 notebook (no 'nbformat': 4 and 'cells' list)")
        }
        let metadata = root["metadata"] as? [String: Any] ?? [:]
        if let kernel = (metadata["kernelspec"] as? [String: Any])?["name"] as? String, kernel != "fdfa" {
            throw fail("a notebook for the '\(kernel)' kernel, not fdfa")
        }
        let seed = ((metadata["fdfa"] as? [String: Any])?["seed"] as? NSNumber)?.uint64Value ?? 0
        let kept = try? JSONDecoder().decode(Kept.self, from: Data(text.utf8))
        let cells = try jsonCells.enumerated().map { index, json -> Cell in
            let source = try Notebook.multiline(json["source"], "cell \(index + 1)'s source", fail)
            var cell: Cell
            switch json["cell_type"] as? String {
            case "code":
                let outputs = try (json["outputs"] as? [[String: Any]] ?? []).map { try Notebook.output($0, cell: index + 1, fail) }
                let interrupted = ((json["metadata"] as? [String: Any])?["fdfa"] as? [String: Any])?["interrupted"] as? Bool ?? false
                let executed = json["execution_count"] is Int || !outputs.isEmpty
                cell = Cell(input: source, outputs: outputs, executed: executed, interrupted: interrupted)
            case "markdown":
                cell = .markdown(source)
            case "raw":
                cell = Cell(kind: .raw, input: source)
            case let other:
                throw fail("cell \(index + 1) has cell_type \(other.map { "'\($0)'" } ?? "missing")")
            }
            if let kept, index < kept.cells.count { cell.jupyter = Notebook.jupyterCellKeys(kept.cells[index], index: index) }
            return cell
        }
        self.init(cells: cells, seed: seed)
        jupyterMetadata = (kept?.metadata ?? [:]).filter { !["kernelspec", "language_info", "fdfa"].contains($0.key) }
    }

    /// What the notebook holds beyond what fdfa reads, decoded as it is.
    private struct Kept: Decodable {
        let metadata: [String: JSONValue]?
        let cells: [[String: JSONValue]]
    }

    /// A cell's keys that fdfa does not read (its id unless fdfa wrote it, its metadata other than
    /// fdfa's, anything else such as attachments), kept to be written back.
    private static func jupyterCellKeys(_ members: [String: JSONValue], index: Int) -> [String: JSONValue] {
        var kept = members.filter { !["cell_type", "source", "outputs", "execution_count"].contains($0.key) }
        if kept["id"] == .string("cell-\(index + 1)") { kept["id"] = nil }
        let metadata = (kept["metadata"]?.members ?? [:]).filter { $0.key != "fdfa" }
        kept["metadata"] = metadata.isEmpty ? nil : .object(metadata)
        return kept
    }

    private static func output(_ json: [String: Any], cell: Int, _ fail: (String) -> LanguageError) throws -> CellOutput {
        let what = "cell \(cell)'s output"
        switch json["output_type"] as? String {
        case "stream":
            return .text(try multiline(json["text"], what, fail))
        case "execute_result", "display_data":
            guard let data = json["data"] as? [String: Any] else { throw fail("\(what) has no 'data'") }
            return .display(try data.mapValues { try multiline($0, what, fail) })
        case "error":
            let traceback = (json["traceback"] as? [String] ?? []).map(withoutTerminalColours)
            return .error(traceback.isEmpty ? json["evalue"] as? String ?? "" : traceback.joined(separator: "\n"))
        case let other:
            throw fail("\(what) has output_type \(other.map { "'\($0)'" } ?? "missing")")
        }
    }

    /// A string or a list of strings (joined as they are: each holds its own line break).
    private static func multiline(_ value: Any?, _ what: String, _ fail: (String) -> LanguageError) throws -> String {
        if let text = value as? String { return text }
        if let lines = value as? [String] { return lines.joined() }
        throw fail("\(what) is not text")
    }

    /// Tracebacks may carry ANSI colour codes (ESC [ … m).
    private static func withoutTerminalColours(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
