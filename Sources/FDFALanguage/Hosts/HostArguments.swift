import FDFAEngine

extension Arguments {
    /// The host object of a parameter declared `.host(name)`: its type was checked before the body ran.
    func host<T: HostObject>(_ name: String, _ type: T.Type) -> T {
        guard case .host(let object) = self[name], let typed = object as? T else {
            preconditionFailure("\(builtin.name): '\(name)' was declared as another type than \(T.self)")
        }
        return typed
    }

    /// An optional integer parameter whose default is none.
    func optionalInteger(_ name: String) throws -> Int? { isNone(name) ? nil : try integer(name) }

    /// A seed argument, or one drawn from the session's generator when none is given, so that
    /// `seed n` at the top of a script fixes every network and draw after it.
    func seed(_ name: String, _ session: Session) throws -> UInt64 {
        guard let n = try optionalInteger(name) else { return UInt64(session.random.nextInt(below: Int(Int32.max))) }
        guard n >= 0 else { throw LanguageError.runtime("'\(name)' must be 0 or more, got \(n)") }
        return UInt64(n)
    }

    /// A parameter that takes one of several host types: the error names the argument and the
    /// accepted types, as the declared checks do.
    func mismatch(_ name: String, expected: String) -> LanguageError {
        let type = self[name].typeName
        let given = type == "none" ? "none" : ("aeiou".contains(type.first ?? "x") ? "an " : "a ") + type
        return LanguageError.runtime("'\(name)' must be \(expected), got \(given) (usage: \(builtin.signature))")
    }

    /// The samples a built-in reads: a batch as it is, or a split; a data set means its `role` split.
    func samples(_ name: String, datasetRole role: KeyPath<DatasetValue, SplitValue>) throws -> Samples {
        if case .host(let batch as BatchValue) = self[name] { return .batch(batch) }
        return .split(try split(name, datasetRole: role, accepted: "a dataset, split or batch"))
    }

    /// The split a built-in reads: a split, or a data set's `role` split; the error for anything
    /// else says what the argument accepts.
    func split(_ name: String, datasetRole role: KeyPath<DatasetValue, SplitValue>,
               accepted: String = "a dataset or split") throws -> SplitValue {
        switch self[name] {
        case .host(let split as SplitValue): return split
        case .host(let dataset as DatasetValue): return dataset[keyPath: role]
        default: throw mismatch(name, expected: accepted)
        }
    }
}

extension Arguments {
    /// The `net` and `batch` arguments: the network, the batch's images in its input shape, the labels.
    func networkAndBatch() throws -> (NetworkValue, Tensor, [Int32]) {
        let net = host("net", NetworkValue.self), batch = host("batch", BatchValue.self)
        return (net, try net.inputs(batch), batch.labels)
    }
}

/// Where samples come from: a whole split, or one batch already taken.
enum Samples {
    case split(SplitValue)
    case batch(BatchValue)
}

extension Arguments {
    /// A shape given as one number (`16`) or a list (`[1, 28, 28]`), for parameters declared `.dimensions`.
    func dimensions(_ name: String) throws -> [Int] {
        if case .number = self[name] { return [try integer(name)] }
        return try shape(name)
    }
}
