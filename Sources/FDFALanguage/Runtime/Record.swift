/// A record: named fields in the order they were written, `{lr: 0.1, epochs: 3}`.
/// Records are small, so fields live in an array and lookup is a linear search.
public struct Record {
    public private(set) var fields: [(name: String, value: Value)]

    public init(_ fields: [(name: String, value: Value)] = []) {
        self.fields = []
        for (name, value) in fields { self[name] = value }
    }

    public var names: [String] { fields.map(\.name) }

    /// Reading a missing field gives nil; writing adds it at the end or replaces it in place.
    public subscript(name: String) -> Value? {
        get { fields.first { $0.name == name }?.value }
        set {
            let index = fields.firstIndex { $0.name == name }
            switch (index, newValue) {
            case let (i?, value?): fields[i].value = value
            case let (nil, value?): fields.append((name, value))
            case let (i?, nil): fields.remove(at: i)
            case (nil, nil): break
            }
        }
    }
}
