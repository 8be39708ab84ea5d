import Foundation

extension BuiltinGroup {
    static let collections = BuiltinGroup("Lists, records and text", [
        Builtin("sort", [.required("xs", .any), .optional("reverse", .bool, default: .bool(false))],
                summary: "A sorted copy of a list of numbers or of strings (a range or tensor gives its numbers): sort([3, 1, 2]).") { args, _ in
            let items = try elements(args["xs"], "xs")
            let reverse = try args["reverse"].isTruthy()
            if let numbers = try? items.map({ try number($0) }) {
                return .list(numbers.sorted(by: reverse ? (>) : (<)).map(Value.number))
            }
            let strings = try items.map { item -> String in
                guard case .string(let s) = item else { throw LanguageError.runtime("sort needs all numbers or all strings, found \(withArticle(item.typeName))") }
                return s
            }
            return .list(strings.sorted(by: reverse ? (>) : (<)).map(Value.string))
        },
        Builtin("zip", [.variadic("lists", .any)],
                summary: "Pairs up elements: zip([1, 2], [\"a\", \"b\"]) is [[1, \"a\"], [2, \"b\"]] (as long as the shortest).") { args, _ in
            let lists = try args.list("lists").enumerated().map { try elements($1, "lists #\($0 + 1)") }
            guard let shortest = lists.map(\.count).min() else { return .list([]) }
            return .list((0 ..< shortest).map { i in .list(lists.map { $0[i] }) })
        },
        Builtin("enumerate", [.required("xs", .any)],
                summary: "Each element with its position: for p in enumerate(xs) { print(p[0], p[1]) }.") { args, _ in
            .list(try elements(args["xs"], "xs").enumerated().map { .list([.number(Double($0)), $1]) })
        },
        Builtin("keys", [.required("r", .any)], summary: "A record's field names, in order: for k in keys(r) { print(k, r[k]) }.") { args, _ in
            guard case .record(let record) = args["r"] else { throw args.mismatch("r", expected: "a record") }
            return .list(record.names.map(Value.string))
        },
        Builtin("format", [.required("template", .string), .variadic("values", .any)],
                summary: "Text with values put in: format(\"loss {:.3f} at step {}\", l, s).",
                details: """
                    Each {} takes the next value as print shows it; {:.3f} a number with 3 decimals, {:.2e} in
                    exponent form, {:.4g} with 4 significant digits, {:d} as a whole number. {{ and }} are braces.
                    """) { args, _ in
            .string(try formatted(try args.string("template"), try args.list("values")))
        },
        Builtin("vars", [], summary: "The session's variables as a record, name: value.") { _, session in
            .record(Record(session.variableNames.compactMap { name in session.variable(named: name).map { (name, $0) } }))
        },
        Builtin("who", [], summary: "Lists the session's variables: name, type and a short description.") { _, session in
            let names = session.variableNames
            guard !names.isEmpty else {
                session.write("no variables yet\n")
                return .none
            }
            let width = names.map(\.count).max()!
            for name in names {
                guard let value = session.variable(named: name) else { continue }
                session.write(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                              + value.typeName.padding(toLength: 10, withPad: " ", startingAt: 0) + "  " + brief(value) + "\n")
            }
            return .none
        },
    ])

    /// The elements of a list, range, string, tensor (its numbers, flattened) or record (its names).
    private static func elements(_ value: Value, _ what: String) throws -> [Value] {
        switch value {
        case .list(let items): return items
        case .range(let r):
            try MemoryBudget.check(r.count, of: MemoryLayout<Value>.stride, "a list of \(r.count) numbers")
            return r.map { .number(Double($0)) }
        case .string(let s): return s.map { .string(String($0)) }
        case .tensor(let t): return t.array.map { .number(Double($0)) }
        case .record(let r): return r.names.map(Value.string)
        default: throw LanguageError.mustBe("'\(what)'", "a list, range, string, tensor or record", got: value)
        }
    }

    private static func number(_ value: Value) throws -> Double {
        guard case .number(let n) = value else { throw LanguageError.runtime("not a number") }
        return n
    }

    /// One line about a value for `who`: a tensor's shape, a list's length, a record's fields, ….
    private static func brief(_ value: Value) -> String {
        let text: String
        switch value {
        case .tensor(let t): text = "shape \(t.shape)"
        case .list(let items): text = "\(items.count) items"
        case .record(let r): text = "fields " + r.names.joined(separator: ", ")
        default: text = Display.repr(value).split(separator: "\n").first.map(String.init) ?? ""
        }
        return text.count > 60 ? String(text.prefix(59)) + "…" : text
    }

    /// `format`'s template filled in: `{}` and `{:spec}` take the values in order.
    private static func formatted(_ template: String, _ values: [Value]) throws -> String {
        var result = "", next = 0
        var rest = Substring(template)
        while let c = rest.first {
            rest = rest.dropFirst()
            if (c == "{" || c == "}"), rest.first == c {
                result.append(c)
                rest = rest.dropFirst()
                continue
            }
            guard c == "{" else {
                if c == "}" { throw LanguageError.runtime("a lone '}' in the template (write }} for a brace)") }
                result.append(c)
                continue
            }
            guard let close = rest.firstIndex(of: "}") else { throw LanguageError.runtime("a '{' in the template is not closed (write {{ for a brace)") }
            let spec = rest[..<close]
            rest = rest[rest.index(after: close)...]
            guard next < values.count else { throw LanguageError.runtime("the template has more {} than the \(values.count) values given") }
            result += try placeholder(spec, values[next])
            next += 1
        }
        guard next == values.count else { throw LanguageError.runtime("\(values.count) values for \(next) {} in the template") }
        return result
    }

    private static func placeholder(_ spec: Substring, _ value: Value) throws -> String {
        guard !spec.isEmpty else { return Display.plain(value) }
        guard spec.first == ":", case .number(let n) = value else {
            throw LanguageError.runtime("{\(spec)} formats a number, got \(withArticle(value.typeName)) (use {} for any value)")
        }
        let body = spec.dropFirst()
        if body == "d" {
            guard n == n.rounded(), abs(n) < 1e18 else { throw LanguageError.runtime("{:d} needs a whole number, got \(Display.number(n))") }
            return String(Int64(n))
        }
        guard body.first == ".", let kind = body.last, "feg".contains(kind), let digits = Int(body.dropFirst().dropLast()), (0 ... 30).contains(digits) else {
            throw LanguageError.runtime("unknown format {\(spec)}: use {:.3f}, {:.2e}, {:.4g} or {:d}")
        }
        return String(format: "%.\(digits)\(kind)", n)
    }
}
