import FDFAEngine

/// Values the host objects hand out in the language's usual forms.
extension Value {
    /// A shape as the list of integers `t.shape` also gives.
    static func dimensions(_ shape: [Int]) -> Value { .list(shape.map { .number(Double($0)) }) }

    /// Class labels as a 1-D tensor (cheap to hold for 60 000 samples, and usable in arithmetic).
    static func labels(_ labels: [Int32]) -> Value { .tensor(Tensor(shape: [labels.count], values: labels.map(Float.init))) }
}
