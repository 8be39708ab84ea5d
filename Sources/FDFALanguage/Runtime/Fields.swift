import FDFAEngine

/// `x.name`: fields of records, of host objects, and a tensor's `shape`, `rank` and `count`.
extension Value {
    static let tensorFields = ["shape", "rank", "count"]

    /// The field names `x.` can complete to and `fields(x)` lists.
    public var fieldNames: [String] {
        switch self {
        case .record(let record): return record.names
        case .host(let object): return object.fieldNames
        case .tensor: return Value.tensorFields
        default: return []
        }
    }

    public func field(_ name: String) throws -> Value {
        switch self {
        case .record(let record):
            if let field = record[name] { return field }
        case .host(let object):
            if let field = object.field(name) { return field }
        case .tensor(let t):
            switch name {
            case "shape": return .list(t.shape.map { .number(Double($0)) })
            case "rank": return .number(Double(t.shape.count))
            case "count": return .number(Double(t.count))
            default: break
            }
        default:
            throw LanguageError.runtime("\(withArticle(typeName)) has no fields")
        }
        let known = fieldNames.isEmpty ? "none" : fieldNames.joined(separator: ", ")
        throw LanguageError.runtime("\(typeName) has no field '\(name)'" + Suggestion.hint(for: name, among: fieldNames) + " (fields: \(known))")
    }

    /// Changes (or adds) a record's field in place.
    mutating func modifyField(_ name: String, _ body: (inout Value) throws -> Void) throws {
        guard case .record(var record) = self else {
            let hint = ["layer", "tap", "network"].contains(typeName)
                ? " (its fields are copies); to write a parameter use set_param(layer or tap, \"\(name)\", value)" : ""
            throw LanguageError.runtime("cannot set fields of \(withArticle(typeName)); only records have settable fields" + hint)
        }
        self = .none // drop the second reference so the record is changed in place, not copied
        defer { self = .record(record) }
        var field = record[name] ?? .none
        try body(&field)
        record[name] = field
    }
}
