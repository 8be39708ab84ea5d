/// A record: named fields in the order they were written, `{lr: 0.1, epochs: 3}`.
/// Records are small, so fields live in an array and lookup is a linear search. Like `ValueList`,
/// the fields live in a class storage (copy-on-write) whose `deinit` frees nested values without
/// recursion, so a chain such as `r = {next: r}` built 200,000 times is freed on any stack.
public struct Record {
    public var fields: [(name: String, value: Value)] { storage.fields }
    private var storage = Storage()

    public init(_ fields: [(name: String, value: Value)] = []) {
        for (name, value) in fields { self[name] = value }
    }

    public var names: [String] { fields.map(\.name) }

    /// Reading a missing field gives nil; writing adds it at the end or replaces it in place.
    public subscript(name: String) -> Value? {
        get { storage.fields.first { $0.name == name }?.value }
        set {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            let index = storage.fields.firstIndex { $0.name == name }
            switch (index, newValue) {
            case let (i?, value?): storage.fields[i].value = value
            case let (nil, value?): storage.fields.append((name, value))
            case let (i?, nil): storage.fields.remove(at: i)
            case (nil, nil): break
            }
        }
    }

    private final class Storage {
        var fields: [(name: String, value: Value)]
        init(_ fields: [(name: String, value: Value)] = []) { self.fields = fields }
        deinit {
            guard !fields.isEmpty else { return }
            var values = fields.map(\.value)
            fields = []
            Value.dropIteratively(&values)
        }
    }
}
