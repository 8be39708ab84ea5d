import FDFAEngine

/// Puts the arguments of a call into parameter slots; shared by built-ins and `fn` functions, so
/// both report argument mistakes the same way.
enum ArgumentMatching {
    /// Positional arguments fill parameters in order, keyword arguments by name. With a variadic
    /// parameter at `variadicAt`, surplus positional arguments go to `rest` and the parameters
    /// after it can only be given by keyword. Slots left nil were not given.
    static func match(
        _ arguments: [(label: String?, value: Value)], to names: [String], variadicAt: Int? = nil, callee: String
    ) throws -> (slots: [Value?], rest: [Value]) {
        var slots = [Value?](repeating: nil, count: names.count)
        var rest: [Value] = []
        var next = 0
        for (label, value) in arguments {
            if let label {
                guard let i = names.firstIndex(of: label), i != variadicAt else {
                    throw LanguageError.runtime("\(callee)() has no parameter '\(label)'" + Suggestion.hint(for: label, among: names)
                        + " (parameters: \(names.joined(separator: ", ")))")
                }
                guard slots[i] == nil else { throw LanguageError.runtime("\(callee)() got two values for '\(label)'") }
                slots[i] = value
            } else if next == variadicAt {
                rest.append(value)
            } else {
                guard next < names.count else {
                    throw LanguageError.runtime("\(callee)() takes at most \(counted(names.count, "argument")), got \(arguments.count)")
                }
                slots[next] = value
                next += 1
            }
        }
        return (slots, rest)
    }
}
