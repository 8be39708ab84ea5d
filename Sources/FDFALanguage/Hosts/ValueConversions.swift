import FDFAEngine

/// Values the host objects hand out in the language's usual forms.
extension Value {
    /// A shape as the list of integers `t.shape` also gives.
    static func dimensions(_ shape: [Int]) -> Value { .list(shape.map { .number(Double($0)) }) }

    /// Class labels as a 1-D tensor (cheap to hold for 60 000 samples, and usable in arithmetic).
    static func labels(_ labels: [Int32]) -> Value { .tensor(Tensor(shape: [labels.count], values: labels.map(Float.init))) }

    /// A list of tensors (a direction in parameter space, new parameter values), or an error naming
    /// the argument `name` and the element that is not a tensor.
    func tensors(_ name: String) throws -> [Tensor] {
        guard case .list(let items) = self else { throw LanguageError.mustBe("'\(name)'", "a list of tensors", got: self) }
        return try items.enumerated().map { i, item in
            guard case .tensor(let t) = item else { throw LanguageError.mustBe("'\(name)' #\(i + 1)", "a tensor", got: item) }
            return t
        }
    }
}
