import FDFAEngine

extension BuiltinGroup {
    static let values = BuiltinGroup("Values", [
        Builtin("print", [.variadic("values", .any)],
                summary: "Prints the values separated by spaces, then a line break.",
                details: "Strings print without quotes: print(\"loss\", 0.25) shows  loss 0.25") { args, session in
            session.write(try printedLine(args))
            return .none
        },
        Builtin("warn", [.variadic("values", .any)],
                summary: "Prints like print, to standard error (kept apart from the output notebooks record).") { args, session in
            session.writeError(try printedLine(args))
            return .none
        },
        Builtin("help", [.optional("topic", .any, default: .none)],
                summary: "Lists the built-ins, or explains one: help zeros, ?zeros, zeros?, help syntax, help for.") { args, session in
            session.page(try helpText(args["topic"], session) + "\n")
            return .none
        },
        Builtin("len", [.required("x", .any)],
                summary: "Number of elements: of a list, string, range or record, or a tensor's first dimension.") { args, _ in
            switch args["x"] {
            case .list(let items): return .number(Double(items.count))
            case .string(let s): return .number(Double(s.count))
            case .range(let r): return .number(Double(r.count))
            case .record(let r): return .number(Double(r.fields.count))
            case .tensor(let t): return .number(Double(t.batch))
            case let other: throw LanguageError.runtime("\(withArticle(other.typeName)) has no length")
            }
        },
        Builtin("range", [.required("start", .integer), .optional("stop", .integer, default: .none), .optional("step", .integer, default: .number(1))],
                summary: "Integers from start up to (not including) stop; range(n) is 0..<n.",
                details: "range(2, 10, 3) gives 2, 5, 8. A negative step counts down: range(3, 0, -1) gives 3, 2, 1.") { args, _ in
            let step = try args.integer("step")
            guard step != 0 else { throw LanguageError.runtime("step cannot be 0") }
            let (start, stop) = args.isNone("stop") ? (0, try args.integer("start")) : (try args.integer("start"), try args.integer("stop"))
            return .range(RangeValue(start: start, end: stop, step: step))
        },
        Builtin("type", [.required("x", .any)], summary: "The name of x's type: number, string, tensor, list, ….") { args, _ in
            .string(args["x"].typeName)
        },
        Builtin("str", [.required("x", .any)], summary: "x as text, as print would show it.") { args, _ in
            .string(Display.plain(args["x"]))
        },
        Builtin("fields", [.required("x", .any)], summary: "The field names of a record, tensor or host object.") { args, _ in
            .list(args["x"].fieldNames.map(Value.string))
        },
        Builtin("seed", [.required("n", .integer)],
                summary: "Restarts the session's random generator from seed n.",
                details: "Every random draw (randn, rand, …) comes from one Philox generator. The same seed and the\nsame commands give the same numbers, run after run; a session starts with seed 0.") { args, session in
            let n = try args.integer("n")
            guard n >= 0 else { throw LanguageError.runtime("the seed must be 0 or more, got \(n)") }
            session.random = Random(seed: UInt64(n))
            return .none
        },
    ])

    /// The values as `print` shows them: separated by spaces, with a line break.
    private static func printedLine(_ args: Arguments) throws -> String {
        try args.list("values").map(Display.plain).joined(separator: " ") + "\n"
    }

    /// `help`'s text: the index, or for a string (`help zeros` passes "zeros") the topic, variable or
    /// built-in of that name, or for any other value what it is.
    static func helpText(_ topic: Value, _ session: Session) throws -> String {
        switch topic {
        case .none: return Help.index(session.registry)
        case .string(let name):
            guard let text = session.help(for: name) else {
                let known = session.registry.names + session.variableNames + Help.topics
                throw LanguageError.runtime("no help for '\(name)'" + Suggestion.hint(for: name, among: known)
                                            + " (help lists the built-ins, help syntax explains the language)")
            }
            return text
        default: return description(topic)
        }
    }

    /// What `help` says about a value: a built-in's page, a function's signature, else the value.
    static func description(_ value: Value) -> String {
        switch value {
        case .builtin(let builtin): return Help.page(builtin)
        case .function(let function): return "\(function.signature)  (defined at \(function.declaration.location))"
        case let other: return "a \(other.typeName): \(Display.repr(other))"
        }
    }
}
