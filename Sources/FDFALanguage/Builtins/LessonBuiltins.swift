extension BuiltinGroup {
    static let lessons = BuiltinGroup("Lessons", [
        Builtin("lesson", [.optional("n", .integer, default: .none)],
                summary: "Lists the lessons, or prints lesson n (at the interactive prompt, lesson n [step m] walks through it).",
                details: """
                    Five short notebooks: directional derivatives, forward gradients, DFA, DKP and FDFA, and a comparison
                    of every rule on Fashion-MNIST. At the interactive prompt `lesson n` shows each step's explanation,
                    puts its code on the input line to edit or run with Enter, and waits (type a command there to look
                    around). The lesson runs in a session of its own, so your variables stay as they are; lesson 3 step 4
                    starts at step 4 after running the earlier steps quietly. Elsewhere lesson(n) prints the lesson's
                    text and code.
                    """) { args, session in
            let lessons = try LessonLibrary.load()
            guard let number = try args.optionalInteger("n") else {
                session.write(LessonLibrary.index(lessons) + "\n")
                return .none
            }
            let lesson = try LessonLibrary.lesson(number, among: lessons)
            let steps = lesson.steps.map { step in
                let code = step.code.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
                return [step.explanation, step.code.isEmpty ? "" : code].filter { !$0.isEmpty }.joined(separator: "\n\n")
            }
            session.write(steps.joined(separator: "\n\n") + "\n")
            return .none
        },
    ])
}
