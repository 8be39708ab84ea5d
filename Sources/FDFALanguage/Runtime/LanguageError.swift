import FDFAEngine

/// Every error a program can meet: syntax errors, runtime errors and interruption (Ctrl-C).
///
/// Built-ins throw errors without a location; the interpreter attaches the location of the call
/// (and the built-in's name) on the way out, so messages always point at the source.
public struct LanguageError: Error, CustomStringConvertible {
    public enum Kind { case syntax, runtime, interrupted }

    public let kind: Kind
    public var message: String
    public var location: SourceLocation?
    /// Extra lines, e.g. "called from …" for errors inside functions.
    public var notes: [String] = []
    /// True for syntax errors at the end of the input: the REPL then asks for another line.
    public let needsMoreInput: Bool
    /// What an interrupted built-in had made so far (train's history): an assignment of the call
    /// to a name binds it before the interruption goes on, so `h = train(...)` keeps its steps'.
    var partialValue: Value?

    init(_ kind: Kind, _ message: String, at location: SourceLocation?, needsMoreInput: Bool = false) {
        self.kind = kind
        self.message = message
        self.location = location
        self.needsMoreInput = needsMoreInput
    }

    static func syntax(_ message: String, at location: SourceLocation, needsMoreInput: Bool = false) -> LanguageError {
        LanguageError(.syntax, message, at: location, needsMoreInput: needsMoreInput)
    }

    /// A runtime error; built-ins throw these (the interpreter adds the location).
    public static func runtime(_ message: String, at location: SourceLocation? = nil) -> LanguageError {
        LanguageError(.runtime, message, at: location)
    }

    static let interrupted = LanguageError(.interrupted, "interrupted", at: nil)

    /// `interrupted`, with what the built-in had made so far.
    static func interrupted(keeping partial: Value) -> LanguageError {
        var error = interrupted
        error.partialValue = partial
        return error
    }

    /// The one wording of a value of the wrong type: `'x' must be a tensor, got a list`. `subject` is
    /// written as given (quote a parameter's name); `expected` carries its own article ("a dataset or split").
    static func mustBe(_ subject: String, _ expected: String, got value: Value) -> LanguageError {
        .runtime("\(subject) must be \(expected), got \(withArticle(value.typeName))")
    }

    /// Throws `interrupted` after Ctrl-C: the interpreter calls it between statements, and long
    /// built-ins pass it to the engine as the `cancellation` to run between units of work.
    static func throwIfInterrupted() throws {
        if Interrupt.requested { throw interrupted }
    }

    /// The error as the user sees it, pointing at the place with a caret:
    ///
    ///     <repl>:1:5: error: unknown variable 'y'
    ///       1 | x = y + 1
    ///         |     ^
    public var description: String {
        let label = kind == .syntax ? "syntax error" : "error"
        guard let location else { return ([ "\(label): \(message)" ] + notes).joined(separator: "\n") }
        let text = location.source.lineText(location.line)
        let gutter = String(location.line)
        let pad = String(repeating: " ", count: gutter.count)
        // Keep tabs so the caret lines up under the same characters as in the source line.
        let indent = String(text.prefix(location.column - 1).map { $0 == "\t" ? "\t" : " " })
        return ([
            "\(location): \(label): \(message)",
            " \(gutter) | \(text)",
            " \(pad) | \(indent)^",
        ] + notes).joined(separator: "\n")
    }
}

/// The noun with its indefinite article: "a list", "an integer", "an alignment".
func withArticle(_ noun: String) -> String {
    ("aeiou".contains(noun.first ?? "x") ? "an " : "a ") + noun
}
