import FDFAEngine
import Foundation

/// Tensor arithmetic for operators and built-ins: elementwise maps with broadcasting, matrix
/// products through BLAS, transposition, reductions, and building tensors from lists.
enum TensorMath {
    /// Elementwise `f(a, b)`. Shapes must be equal, or one must be the trailing part of the other
    /// (`[B, K] + [K]` adds the vector to every row); a one-element tensor goes with anything.
    static func zip(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        let (big, small) = a.count >= b.count ? (a, b) : (b, a)
        let fits = small.count == 1 || a.shape == b.shape || (small.shape.count <= big.shape.count && big.shape.suffix(small.shape.count).elementsEqual(small.shape))
        guard fits else {
            throw LanguageError.runtime("shapes \(a.shape) and \(b.shape) do not match (they must be equal, or one the trailing part of the other)")
        }
        let result = try MemoryBudget.zeros(big.shape)
        let n = small.count
        if a.count >= b.count {
            for i in 0 ..< big.count { result.data[i] = f(a.data[i], b.data[i % n]) }
        } else {
            for i in 0 ..< big.count { result.data[i] = f(a.data[i % n], b.data[i]) }
        }
        return result
    }

    static func map(_ a: Tensor, _ f: (Float) -> Float) throws -> Tensor {
        let result = try MemoryBudget.zeros(a.shape)
        for i in 0 ..< a.count { result.data[i] = f(a.data[i]) }
        return result
    }

    /// Matrix product of 2-D tensors; a 1-D left operand is a row vector, a 1-D right one a column,
    /// and the result drops the dimension the vector added (as numpy's `@`).
    static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard (1 ... 2).contains(a.shape.count), (1 ... 2).contains(b.shape.count) else {
            throw LanguageError.runtime("matmul needs 1-D or 2-D tensors, got shapes \(a.shape) and \(b.shape)")
        }
        let (m, k) = a.shape.count == 2 ? (a.shape[0], a.shape[1]) : (1, a.shape[0])
        let (k2, n) = b.shape.count == 2 ? (b.shape[0], b.shape[1]) : (b.shape[0], 1)
        guard k == k2 else { throw LanguageError.runtime("shapes \(a.shape) and \(b.shape) do not line up for a matrix product (\(k) ≠ \(k2))") }
        let shape: [Int] = (a.shape.count == 2 ? [m] : []) + (b.shape.count == 2 ? [n] : [])
        let result = try MemoryBudget.zeros(shape)
        BLAS.gemm(a.data, b.data, into: result.data, m: m, n: n, k: k)
        return result
    }

    /// The transpose of a 2-D tensor (a 1-D tensor is returned as a copy).
    static func transpose(_ a: Tensor) throws -> Tensor {
        guard a.shape.count <= 2 else { throw LanguageError.runtime("transpose needs a 1-D or 2-D tensor, got shape \(a.shape)") }
        guard a.shape.count == 2 else { return a.copy() }
        let (rows, columns) = (a.shape[0], a.shape[1])
        let result = try MemoryBudget.zeros([columns, rows])
        for r in 0 ..< rows { for c in 0 ..< columns { result.data[c * rows + r] = a.data[r * columns + c] } }
        return result
    }

    /// Sum of all elements (axis nil), or along one axis (negative counts from the end), in double.
    static func sum(_ a: Tensor, axis: Int?) throws -> Value {
        guard let axis else { return .number((0 ..< a.count).reduce(0.0) { $0 + Double(a.data[$1]) }) }
        let d = axis < 0 ? axis + a.shape.count : axis
        guard a.shape.indices.contains(d) else { throw LanguageError.runtime("axis \(axis) is out of range for shape \(a.shape)") }
        let outer = a.shape[..<d].elementCount, size = a.shape[d], inner = a.shape[(d + 1)...].elementCount
        var shape = a.shape
        shape.remove(at: d)
        let result = try MemoryBudget.zeros(shape)
        for o in 0 ..< outer {
            for i in 0 ..< inner {
                var total = 0.0
                for s in 0 ..< size { total += Double(a.data[(o * size + s) * inner + i]) }
                result.data[o * inner + i] = Float(total)
            }
        }
        return .tensor(result)
    }

    /// A tensor from a number, a range, a tensor (copied) or a nested rectangular list of numbers.
    static func tensor(from value: Value) throws -> Tensor {
        switch value {
        case .tensor(let t):
            let copy = try MemoryBudget.zeros(t.shape)
            copy.assign(t)
            return copy
        case .number(let n):
            return Tensor(shape: [], values: [Float(n)])
        case .range(let r):
            let t = try MemoryBudget.zeros([r.count])
            // In chunks, looking at Ctrl-C between them: 0..<1e9 is a legal, minutes-long request.
            for first in stride(from: 0, to: r.count, by: 1 << 20) {
                try LanguageError.throwIfInterrupted()
                for i in first ..< min(first + (1 << 20), r.count) { t.data[i] = Float(r.start + i * r.step) }
            }
            return t
        case .list:
            var shape: [Int] = []
            var values: [Float] = []
            try flatten(value, depth: 0, shape: &shape, into: &values)
            return Tensor(shape: shape, values: values)
        default:
            throw LanguageError.runtime("cannot make a tensor from \(withArticle(value.typeName))")
        }
    }

    /// More dimensions than this is surely a mistake (and flattening recurses once per level).
    static let maximumRank = 32

    private static func flatten(_ value: Value, depth: Int, shape: inout [Int], into values: inout [Float]) throws {
        switch value {
        case .number(let n):
            guard depth == shape.count else { throw LanguageError.runtime("ragged list: a number where a list of length \(shape[depth]) belongs") }
            values.append(Float(n))
        case .list(let items):
            guard depth < maximumRank else { throw LanguageError.runtime("a tensor has at most \(maximumRank) dimensions; this list is nested deeper") }
            if depth == shape.count, values.isEmpty { shape.append(items.count) }
            guard depth < shape.count, shape[depth] == items.count else {
                throw LanguageError.runtime("ragged list: rows of different lengths cannot form a tensor")
            }
            for item in items { try flatten(item, depth: depth + 1, shape: &shape, into: &values) }
        case .tensor where depth > 0:
            throw LanguageError.runtime("this list holds tensors, and a tensor is made of numbers; give one tensor (e.g. params[0]), or handle each in a loop")
        default:
            throw LanguageError.runtime("a tensor holds numbers, not \(withArticle(value.typeName))")
        }
    }
}
