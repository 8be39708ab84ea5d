import FDFAEngine

/// Every value a program can hold.
///
/// Numbers are doubles (integers are numbers with no fraction). Lists and records are values: an
/// assignment copies them (cheaply, copy-on-write). Tensors, functions and host objects are shared:
/// `b = a` makes `b` name the same tensor, as in numpy; `copy(a)` makes a new one.
public enum Value {
    case none
    case bool(Bool)
    case number(Double)
    case string(String)
    case list(ValueList)
    case range(RangeValue)
    case tensor(Tensor)
    case record(Record)
    case function(UserFunction)
    case builtin(Builtin)
    case host(HostObject)

    /// The name `type(x)` returns and error messages use.
    public var typeName: String {
        switch self {
        case .none: return "none"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .range: return "range"
        case .tensor: return "tensor"
        case .record: return "record"
        case .function, .builtin: return "function"
        case .host(let object): return object.typeName
        }
    }

    /// A tensor, host object or record: printed one per line inside a list.
    var isLarge: Bool {
        switch self {
        case .tensor, .host, .record: return true
        default: return false
        }
    }

    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// What `if` and `while` accept as true: everything but `false`, `none`, 0, "" and empty
    /// collections. A tensor is true or false only if it holds one element (else: ambiguous).
    public func isTruthy() throws -> Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .string(let s): return !s.isEmpty
        case .list(let items): return !items.isEmpty
        case .range(let r): return r.count > 0
        case .tensor(let t):
            guard t.count == 1 else {
                throw LanguageError.runtime("a tensor of shape \(t.shape) is neither true nor false; use any/all via sum(t) > 0")
            }
            return t[flat: 0] != 0
        case .record, .function, .builtin, .host: return true
        }
    }
}

/// `a..b` (inclusive), `a..<b` and `range(start, stop, step)`: integers from `start` towards `end`
/// (exclusive) in steps of `step`, produced on demand.
public struct RangeValue: Sequence {
    public let start: Int, end: Int, step: Int

    public var count: Int {
        step > 0 ? Swift.max(0, (end - start + step - 1) / step) : Swift.max(0, (start - end - step - 1) / -step)
    }

    public func makeIterator() -> StrideToIterator<Int> { stride(from: start, to: end, by: step).makeIterator() }
}
