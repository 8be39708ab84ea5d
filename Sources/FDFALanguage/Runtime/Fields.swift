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
        throw missingField(name)
    }

    /// `x.name` for a field `x` lacks, as reading and `del x.name` report it.
    func missingField(_ name: String) -> LanguageError {
        let known = fieldNames.isEmpty ? "none" : fieldNames.joined(separator: ", ")
        return LanguageError.runtime("\(typeName) has no field '\(name)'" + Suggestion.hint(for: name, among: fieldNames) + " (fields: \(known))")
    }

    /// Changes (or adds) a record's field in place.
    mutating func modifyField(_ name: String, _ body: (inout Value) throws -> Void) throws {
        guard case .record(var record) = self else {
            throw LanguageError.runtime("cannot set fields of \(withArticle(typeName)); only records have settable fields" + writingHint(name))
        }
        self = .none // drop the second reference so the record is changed in place, not copied
        defer { self = .record(record) }
        var field = record[name] ?? .none
        try body(&field)
        record[name] = field
    }

    /// What writes the field `name` of a network, layer or tap instead of assigning to it: its fields are copies.
    private func writingHint(_ name: String) -> String {
        let copies = " (its fields are copies); "
        switch self {
        case .host(is NetworkValue) where name == "rule" || name == "config":
            return copies + "to change the rule or a setting of net.config use configure: configure net, rule=\"DFA\", lr=1e-3"
        case .host(is NetworkValue) where name == "params":
            return copies + "to write parameters use set_params(net, values) with a list like net.params, or set_param(net.layer(i), \"W\", value)"
        case .host(is NetworkValue) where ["layers", "layer", "taps", "tap"].contains(name):
            return copies + "to write a parameter use set_param(net.layer(i), \"W\", value) or set_param(net.tap(l), \"B\", value)"
        case .host(let layer as LayerValue) where layer.parameter(name) != nil || name == "params":
            return copies + "to write a parameter use set_param(layer, \"\(name == "params" ? "W" : name)\", value)"
        case .host(is TapValue) where name == "B":
            return copies + "to write the feedback matrix use set_param(tap, \"B\", value)"
        default:
            return ""
        }
    }
}
