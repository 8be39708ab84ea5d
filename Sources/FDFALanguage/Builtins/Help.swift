/// The text of `help` and `help name`, generated from the registry's declarations.
enum Help {
    /// Every group with one line per built-in.
    static func index(_ registry: Registry) -> String {
        let width = min(28, registry.groups.flatMap(\.builtins).map(\.signature.count).max() ?? 0)
        var lines = ["Built-ins (help NAME or ?NAME for more; help syntax for the language, help for / help time … for a keyword):"]
        for group in registry.groups {
            lines.append("\n\(group.title):")
            for builtin in group.builtins {
                let signature = builtin.signature.padding(toLength: max(width, builtin.signature.count), withPad: " ", startingAt: 0)
                lines.append("  \(signature)  \(builtin.summary)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Signature, parameter types, summary and details of one built-in.
    static func page(_ builtin: Builtin) -> String {
        var lines = [builtin.signature, "  \(builtin.summary)"]
        if !builtin.parameters.isEmpty {
            lines.append("Parameters:")
            for parameter in builtin.parameters {
                let requirement = parameter.variadic ? "any number of them"
                    : parameter.defaultValue.map { "default \(Display.repr($0))" } ?? "required"
                lines.append("  \(parameter.name): \(parameter.type.name), \(requirement)")
            }
        }
        if !builtin.details.isEmpty { lines.append("\n" + builtin.details) }
        return lines.joined(separator: "\n")
    }

    /// The words `help` explains beyond values and built-ins: syntax, the keywords and the statements.
    static let topics = ["syntax", "del", "exit", "quit"] + Keyword.allCases.map(\.rawValue)

    /// `help syntax`, `help for`, `help del`: the language, or what a keyword or statement does, with
    /// an example; nil for a word that is not one of `topics`.
    static func topic(_ word: String) -> String? {
        switch word {
        case "syntax": return syntax
        case "del": return "del x   del r.f   del r[\"f\"]   del xs[i]\n  Removes a variable, a record's field or a list's element."
        case "exit", "quit": return "exit or quit (or Ctrl-D), alone on a line of the REPL, ends the session."
        default: break
        }
        switch Keyword(rawValue: word) {
        case .if, .else: return "if c { … } else if d { … } else { … }\n  Runs the first block whose condition is true (false, none, 0, \"\" and empty lists are false)."
        case .for, .in: return "for x in xs { … }\n  Runs the block once per element of a list, range (0..<n, 1..n), tensor (rows) or string.\n  Example: for epoch in 1..3 { train(net, data) }"
        case .while: return "while c { … }\n  Runs the block as long as c is true. Ctrl-C stops a loop that does not end."
        case .fn, .return: return "fn name(a, b=2) { return a + b }   g = fn(x) { return x * 2 }\n  Defines a function; return leaves it with a value (none without one)."
        case .break, .continue: return "break leaves the innermost loop; continue starts its next round."
        case .time: return "time { … }\n  Runs the block and prints how long it took: time { train(net, data) }"
        case .and, .or, .not: return "a and b, a or b, not a\n  and / or stop at the first operand that decides the answer and give that operand."
        case .true, .false, .some(.none): return "true, false: the two bools. none: no value (what a function without return gives)."
        case nil: return nil
        }
    }

    /// The language on one screen: `help syntax` prints it, and the README's section "The language and
    /// the REPL" shows it verbatim (ConvenienceTests fails when the two differ; edit here, then paste).
    static let syntax = """
        Values:      1  2.5  "text"  true  false  none  [1, 2, 3]  {lr: 0.1, epochs: 3}  1..3 (inclusive)  0..<3
        Variables:   x = 1    x += 2    r.lr = 0.01    xs[0] = 5    t[1, :] = 0
        Operators:   + - * / % ^  (tensors elementwise; a trailing-shape tensor or a number broadcasts)   a @ b
                     == != < <= > >=   and or not      (comparisons on tensors give 0/1 tensors)
        Indexing:    xs[0]  xs[-1]  xs[1:3]  t[i, j]  t[:, 0]   (from 0; slices exclude the end)   r["lr"]  curves[rule] = c
        Fields:      r.name  t.shape  t.rank  t.count
        Calls:       f(x, y, epochs=1)     command style: help zeros, seed 42, save "s.md"     ?zeros  zeros?
        Removing:    del x   del r.lr   del xs[0]
        Blocks:      if c { … } else if d { … } else { … }    for i in 1..10 { … }    while c { … }   break  continue
                     fn name(a, b=2) { return a + b }    g = fn(x) { return x * 2 }    time { … }
        Comments:    # to end of line.
        """
}
