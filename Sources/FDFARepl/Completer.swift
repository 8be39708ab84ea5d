import FDFALanguage
import Foundation

/// Tab completion: what the word before the cursor can become, from the registry and the session.
///
/// - inside a string: file and directory paths (`dump(t, "resu⇥` → `"results/`)
/// - after `name.`: the fields of that variable (`net.la⇥` → `net.layers`)
/// - inside a call's parentheses: also the callee's keyword parameters (`train(net, ep⇥` → `epochs=`)
/// - elsewhere: built-ins, variables and keywords
public struct Completer {
    /// Characters that end a word. '.' is not one, so `net.la` is one word and completes as a whole.
    public static let wordBreaks = " \t\n\"'()[]{},;=+-*/%^@<>!:#"

    public let session: Session

    public init(session: Session) { self.session = session }

    /// `line` is the text before the cursor. Returns where (in characters) the word being completed
    /// starts and the sorted candidates that would replace it.
    public func complete(_ line: String) -> (start: Int, candidates: [String]) {
        let chars = Array(line)
        if let quote = openQuote(chars) {
            let start = quote + 1
            return (start, paths(matching: String(chars[start...])))
        }
        var start = chars.count
        while start > 0, !Completer.wordBreaks.contains(chars[start - 1]) { start -= 1 }
        let word = String(chars[start...])
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot]), prefix = String(word[word.index(after: dot)...])
            return (start, fields(of: base).filter { $0.hasPrefix(prefix) }.map { "\(base).\($0)" }.sorted())
        }
        var names = Set(session.registry.names).union(session.variableNames).union(Keyword.allCases.map(\.rawValue))
        names.formUnion(keywordArguments(chars[..<start]))
        return (start, names.filter { $0.hasPrefix(word) }.sorted())
    }

    /// The position of the quote that opens a string still open at the end of `chars`, if any.
    private func openQuote(_ chars: [Character]) -> Int? {
        var open: Int?
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", open != nil {
                i += 1
            } else if chars[i] == "\"" {
                open = open == nil ? i : nil
            } else if chars[i] == "#", open == nil {
                return nil
            }
            i += 1
        }
        return open
    }

    private func paths(matching typed: String) -> [String] {
        let directory = typed.contains("/") ? String(typed[...typed.lastIndex(of: "/")!]) : ""
        let prefix = String(typed.dropFirst(directory.count))
        let expanded = (directory.isEmpty ? "." : directory as NSString).expandingTildeInPath
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: expanded) else { return [] }
        return entries.filter { $0.hasPrefix(prefix) && ($0.first != "." || prefix.hasPrefix(".")) }.map { entry in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (expanded as NSString).appendingPathComponent(entry), isDirectory: &isDirectory)
            return directory + entry + (isDirectory.boolValue ? "/" : "")
        }.sorted()
    }

    /// Field names of `a.b.c`, following fields from a global variable (nothing is called).
    private func fields(of path: String) -> [String] {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard var value = session.variable(named: parts[0]) else { return [] }
        for part in parts.dropFirst() {
            guard let next = try? value.field(part) else { return [] }
            value = next
        }
        return value.fieldNames
    }

    /// `name=` for each parameter of the function whose parentheses are open before the word.
    private func keywordArguments(_ before: ArraySlice<Character>) -> [String] {
        var depth = 0
        var i = before.endIndex
        while i > before.startIndex {
            i -= 1
            switch before[i] {
            case ")", "]", "}": depth += 1
            case "[", "{": depth -= 1
            case "(" where depth > 0: depth -= 1
            case "(":
                var nameStart = i
                while nameStart > before.startIndex, before[nameStart - 1].isLetter || before[nameStart - 1].isNumber || before[nameStart - 1] == "_" {
                    nameStart -= 1
                }
                return parameterNames(of: String(before[nameStart ..< i])).map { $0 + "=" }
            default: break
            }
            if depth < 0 { return [] }
        }
        return []
    }

    private func parameterNames(of name: String) -> [String] {
        switch session.variable(named: name) {
        case .function(let function)?: return function.declaration.parameters.map(\.name)
        case nil: return session.registry.builtin(named: name)?.parameters.filter { !$0.variadic }.map(\.name) ?? []
        default: return []
        }
    }
}
