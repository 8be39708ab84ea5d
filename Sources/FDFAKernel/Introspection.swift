import FDFALanguage
import FDFARepl
import Foundation

/// Completion (Tab), inspection (Shift-Tab) and the completeness check of a cell's code, from the
/// REPL's completer and the registry's help.
///
/// Jupyter counts cursor positions in Unicode code points.
struct Introspection {
    let session: Session

    /// The REPL's completions of the word before the cursor on its line.
    func complete(_ request: JSON) -> JSON {
        let code = request["code"] as? String ?? ""
        let cursor = Introspection.cursor(request, in: code)
        let before = code.unicodeScalars.prefix(cursor)
        let lineStart = before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0
        let line = String(String.UnicodeScalarView(before.dropFirst(lineStart)))
        let (start, candidates) = Completer(session: session).complete(line)
        let startScalars = lineStart + String(line.prefix(start)).unicodeScalars.count
        return ["status": "ok", "matches": candidates, "cursor_start": startScalars, "cursor_end": cursor, "metadata": JSON()]
    }

    /// `help NAME` for the name at (or just before) the cursor.
    func inspect(_ request: JSON) -> JSON {
        let code = request["code"] as? String ?? ""
        let scalars = Array(code.unicodeScalars)
        let cursor = Introspection.cursor(request, in: code)
        let isNamePart = { (s: Unicode.Scalar) in s.properties.isAlphabetic || ("0" ... "9").contains(s) || s == "_" }
        var start = cursor, end = cursor
        while start > 0, isNamePart(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isNamePart(scalars[end]) { end += 1 }
        let name = String(String.UnicodeScalarView(scalars[start ..< end]))
        guard !name.isEmpty, let help = session.help(for: name) else {
            return ["status": "ok", "found": false, "data": JSON(), "metadata": JSON()]
        }
        return ["status": "ok", "found": true, "data": ["text/plain": help], "metadata": JSON()]
    }

    /// complete, incomplete (a block, bracket or string still open; the indent for the next line)
    /// or invalid (a syntax error the next line cannot mend).
    static func isComplete(_ request: JSON) -> JSON {
        let code = request["code"] as? String ?? ""
        do {
            _ = try Parser.parse(Source(name: "<cell>", text: code))
            return ["status": "complete"]
        } catch let error as LanguageError where error.needsMoreInput {
            return ["status": "incomplete", "indent": indent(after: code)]
        } catch {
            return ["status": "invalid"]
        }
    }

    /// The last line's indentation, one level deeper after an opening bracket.
    private static func indent(after code: String) -> String {
        let last = code.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        let leading = String(last.prefix { $0 == " " || $0 == "\t" })
        let opensBlock = last.trimmingCharacters(in: .whitespaces).last.map { "{[(".contains($0) } ?? false
        return opensBlock ? leading + "    " : leading
    }

    /// The request's cursor_pos, within the code (the end when it is missing).
    private static func cursor(_ request: JSON, in code: String) -> Int {
        let count = code.unicodeScalars.count
        return min(max(request["cursor_pos"] as? Int ?? count, 0), count)
    }
}
