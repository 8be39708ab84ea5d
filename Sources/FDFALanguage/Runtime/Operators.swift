import FDFAEngine
import Foundation

/// The meaning of `+ - * / % ^ @`, comparisons and unary `-` / `not` for each kind of value.
///
/// Numbers follow IEEE arithmetic (1/0 is inf); `%` is the floored modulo (the result takes the
/// divisor's sign). Tensors work elementwise with numbers and with tensors whose shape equals theirs
/// or is its trailing part, repeated along the leading dimensions (`[B, K] + [K]`; a one-element
/// tensor goes with any shape; see `TensorMath.zip`); comparisons on tensors give tensors of 0 and 1.
enum Operators {
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return try numbers(op, x, y)
        case (.tensor(let x), .tensor(let y)):
            if op == .matmul { return .tensor(try TensorMath.matmul(x, y)) }
            return .tensor(try TensorMath.zip(x, y, try elementwise(op, a, b)))
        case (.tensor(let x), .number(let y)):
            let f = try elementwise(op, a, b), c = Float(y)
            return .tensor(try TensorMath.map(x) { f($0, c) })
        case (.number(let x), .tensor(let y)):
            let f = try elementwise(op, a, b), c = Float(x)
            return .tensor(try TensorMath.map(y) { f(c, $0) })
        case (.string(let x), .string(let y)) where op == .add:
            try MemoryBudget.check(x.utf8.count + y.utf8.count, of: 1, "a string of \(x.utf8.count + y.utf8.count) bytes")
            return .string(x + y)
        case (.list(let x), .list(let y)) where op == .add:
            try MemoryBudget.check(x.count + y.count, of: MemoryLayout<Value>.stride, "a list of \(x.count + y.count) items")
            return .list(x + y)
        case (.string(let x), .string(let y)) where [.less, .lessEqual, .greater, .greaterEqual].contains(op):
            return .bool(compare(op, x, y))
        default:
            if op == .equal { return .bool(equal(a, b)) }
            if op == .notEqual { return .bool(!equal(a, b)) }
            throw LanguageError.runtime("cannot apply '\(op.rawValue)' to \(withArticle(a.typeName)) and \(withArticle(b.typeName))")
        }
    }

    private static func numbers(_ op: BinaryOperator, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .number(x + y)
        case .subtract: return .number(x - y)
        case .multiply: return .number(x * y)
        case .divide: return .number(x / y)
        case .modulo: return .number(x - y * (x / y).rounded(.down))
        case .power: return .number(pow(x, y))
        case .matmul: throw LanguageError.runtime("'@' multiplies matrices (tensors), not numbers")
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(compare(op, x, y))
        }
    }

    private static func compare<T: Comparable>(_ op: BinaryOperator, _ x: T, _ y: T) -> Bool {
        switch op {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        default: return x >= y
        }
    }

    /// The float function an operator applies to each pair of elements.
    private static func elementwise(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> (Float, Float) -> Float {
        switch op {
        case .add: return (+)
        case .subtract: return (-)
        case .multiply: return (*)
        case .divide: return (/)
        case .modulo: return { $0 - $1 * ($0 / $1).rounded(.down) }
        case .power: return { powf($0, $1) }
        case .equal: return { $0 == $1 ? 1 : 0 }
        case .notEqual: return { $0 != $1 ? 1 : 0 }
        case .less: return { $0 < $1 ? 1 : 0 }
        case .lessEqual: return { $0 <= $1 ? 1 : 0 }
        case .greater: return { $0 > $1 ? 1 : 0 }
        case .greaterEqual: return { $0 >= $1 ? 1 : 0 }
        case .matmul: throw LanguageError.runtime("'@' needs two tensors, got \(withArticle(a.typeName)) and \(withArticle(b.typeName))")
        }
    }

    static func unary(_ op: UnaryOperator, _ a: Value) throws -> Value {
        switch (op, a) {
        case (.negate, .number(let x)): return .number(-x)
        case (.negate, .tensor(let t)): return .tensor(try TensorMath.map(t) { -$0 })
        case (.not, _): return .bool(!(try a.isTruthy()))
        default: throw LanguageError.runtime("cannot negate \(withArticle(a.typeName))")
        }
    }

    /// Whether two ranges produce the same integers, without producing them (a range may be huge).
    private static func sameElements(_ x: RangeValue, _ y: RangeValue) -> Bool {
        x.count == y.count && (x.count == 0 || x.start == y.start && (x.count == 1 || x.step == y.step))
    }

    /// Structural equality for `==` between non-numeric values; tensors and objects by identity.
    /// Nested lists and records are compared with a work list, not by recursion, so any depth works.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        var pending = [(a, b)]
        while let (x, y) = pending.popLast() {
            switch (x, y) {
            case (.list(let x), .list(let y)):
                guard x.count == y.count else { return false }
                pending.append(contentsOf: Swift.zip(x, y))
            case (.record(let x), .record(let y)):
                guard x.names == y.names else { return false }
                pending.append(contentsOf: Swift.zip(x.fields.map(\.value), y.fields.map(\.value)))
            default:
                guard equalLeaves(x, y) else { return false }
            }
        }
        return true
    }

    /// `==` on values that hold no other values.
    private static func equalLeaves(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.range(let x), .range(let y)): return sameElements(x, y)
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.function(let x), .function(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.host(let x), .host(let y)): return x === y
        default: return false
        }
    }
}
