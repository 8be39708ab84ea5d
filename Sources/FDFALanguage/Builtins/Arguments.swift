import FDFAEngine

/// The checked arguments a built-in's body receives, read by parameter name. The types were
/// checked against the declaration before the body runs, so the typed accessors only convert.
public struct Arguments {
    let builtin: Builtin
    let values: [Value]

    public subscript(name: String) -> Value {
        guard let i = builtin.parameters.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("\(builtin.name) declares no parameter '\(name)'")
        }
        return values[i]
    }

    public func isNone(_ name: String) -> Bool { self[name].isNone }

    public func number(_ name: String) throws -> Double {
        guard case .number(let n) = self[name] else { throw mismatch(name, "a number") }
        return n
    }

    public func integer(_ name: String) throws -> Int { try Indexing.integer(self[name], "'\(name)'") }

    public func string(_ name: String) throws -> String {
        guard case .string(let s) = self[name] else { throw mismatch(name, "a string") }
        return s
    }

    /// The parameter as a tensor (numbers, lists and ranges converted for `.tensorLike`).
    public func tensor(_ name: String) throws -> Tensor {
        if case .tensor(let t) = self[name] { return t }
        return try TensorMath.tensor(from: self[name])
    }

    /// The values collected by a variadic parameter.
    public func list(_ name: String) throws -> [Value] {
        guard case .list(let items) = self[name] else { throw mismatch(name, "a list") }
        return items.array
    }

    /// A shape given as integers (`zeros(2, 3)`) or as one list (`zeros([2, 3])`, `zeros(t.shape)`).
    /// With `count` (reshaping that many values), one dimension may be -1: whatever makes it fit.
    public func shape(_ name: String, count: Int? = nil) throws -> [Int] {
        var items = try list(name)
        if items.count == 1, case .list(let inner) = items[0] { items = inner.array }
        var dims = try items.map { try Indexing.integer($0, "a dimension") }
        if let count, let unknown = dims.firstIndex(of: -1), let known = dims.filter({ $0 != -1 }).checkedProduct, known > 0 {
            guard dims.filter({ $0 == -1 }).count == 1 else { throw LanguageError.runtime("only one dimension may be -1, got \(dims)") }
            guard count % known == 0 else {
                throw LanguageError.runtime("cannot make \(count) values into \(dims): \(count) is not a multiple of \(known)")
            }
            dims[unknown] = count / known
        }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw LanguageError.runtime("dimensions cannot be negative: \(dims)") }
        return dims
    }

    private func mismatch(_ name: String, _ expected: String) -> LanguageError {
        LanguageError.mustBe("'\(name)'", expected, got: self[name])
    }
}
