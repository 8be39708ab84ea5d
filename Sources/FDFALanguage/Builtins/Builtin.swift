import FDFAEngine

/// What a built-in parameter accepts. Checked before the built-in runs, so bodies can trust it.
public enum ParameterType {
    case any, number, integer, string, bool, list, function
    case tensor
    /// A tensor, or a number, list or range converted to one.
    case tensorLike
    /// A host object whose `typeName` is the given name.
    case host(String)
    /// For shapes: integers (`zeros(2, 3)`) or one list of them (`zeros(t.shape)`).
    case dimensions

    public var name: String {
        switch self {
        case .any: return "any"
        case .number: return "number"
        case .integer: return "integer"
        case .string: return "string"
        case .bool: return "bool"
        case .list: return "list"
        case .function: return "function"
        case .tensor: return "tensor"
        case .tensorLike: return "tensor-like"
        case .host(let typeName): return typeName
        case .dimensions: return "integer or list"
        }
    }

    func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.any, _), (.number, .number), (.string, .string), (.bool, .bool), (.list, .list), (.tensor, .tensor),
             (.function, .function), (.function, .builtin), (.tensorLike, .tensor), (.tensorLike, .number),
             (.tensorLike, .list), (.tensorLike, .range):
            return true
        case (.dimensions, .list): return true
        case (.integer, .number(let n)), (.dimensions, .number(let n)): return n == n.rounded() && abs(n) < 1e15
        case (.host(let name), .host(let object)): return object.typeName == name
        default: return false
        }
    }
}

/// One parameter of a built-in: name, type, default (nil: required) and whether it collects all
/// remaining positional arguments (`values...`).
public struct BuiltinParameter {
    public let name: String
    public let type: ParameterType
    public let defaultValue: Value?
    public let variadic: Bool

    public static func required(_ name: String, _ type: ParameterType) -> BuiltinParameter {
        BuiltinParameter(name: name, type: type, defaultValue: nil, variadic: false)
    }

    public static func optional(_ name: String, _ type: ParameterType, default value: Value) -> BuiltinParameter {
        BuiltinParameter(name: name, type: type, defaultValue: value, variadic: false)
    }

    /// Collects the remaining positional arguments, each of `type`, into a list (possibly empty).
    public static func variadic(_ name: String, _ type: ParameterType) -> BuiltinParameter {
        BuiltinParameter(name: name, type: type, defaultValue: .list([]), variadic: true)
    }

    var signature: String {
        if variadic { return "\(name)..." }
        guard let defaultValue else { return name }
        return "\(name)=\(Display.repr(defaultValue))"
    }
}

/// A function of the host, declared once with everything `help`, argument checking and completion
/// need. Groups of them live in `Builtins/*.swift`; see `Registry`.
public final class Builtin {
    public typealias Body = (Arguments, Session) throws -> Value

    public let name: String
    public let parameters: [BuiltinParameter]
    /// One line for the `help` index.
    public let summary: String
    /// More for `help name`: what it does, the why, an example. May be empty.
    public let details: String
    let body: Body

    public init(_ name: String, _ parameters: [BuiltinParameter], summary: String, details: String = "", body: @escaping Body) {
        self.name = name
        self.parameters = parameters
        self.summary = summary
        self.details = details
        self.body = body
    }

    public var signature: String { "\(name)(" + parameters.map(\.signature).joined(separator: ", ") + ")" }

    /// Matches and type-checks the arguments, fills in defaults, then runs the body.
    func call(_ arguments: [(label: String?, value: Value)], session: Session) throws -> Value {
        let variadicAt = parameters.firstIndex { $0.variadic }
        let (slots, rest) = try ArgumentMatching.match(arguments, to: parameters.map(\.name), variadicAt: variadicAt, callee: name)
        var values: [Value] = []
        for (i, (parameter, slot)) in zip(parameters, slots).enumerated() {
            if i == variadicAt {
                for (n, value) in rest.enumerated() { try check(parameter, value, position: n + 1) }
                values.append(.list(rest))
            } else if let value = slot {
                // Passing none to a parameter whose default is none means "not given": no check.
                if !(value.isNone && parameter.defaultValue?.isNone == true) { try check(parameter, value, position: nil) }
                values.append(value)
            } else if let value = parameter.defaultValue {
                values.append(value)
            } else {
                throw LanguageError.runtime("missing the argument '\(parameter.name)' (usage: \(signature))")
            }
        }
        return try body(Arguments(builtin: self, values: values), session)
    }

    private func check(_ parameter: BuiltinParameter, _ value: Value, position: Int?) throws {
        guard !parameter.type.accepts(value) else { return }
        let which = position.map { "\(parameter.name) #\($0)" } ?? parameter.name
        var error = LanguageError.mustBe("'\(which)'", withArticle(parameter.type.name), got: value)
        error.message += " (usage: \(signature))"
        throw error
    }
}
