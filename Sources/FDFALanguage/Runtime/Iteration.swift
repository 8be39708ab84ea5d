/// What `for x in …` walks over: ranges and lists element by element, a tensor along its first
/// dimension (numbers for a vector, rows for a matrix), a string character by character, a record
/// by its field names (`for k in r { print(k, r[k]) }`).
enum Iteration {
    /// Calls `body` for each element until it returns false.
    static func forEach(_ sequence: Value, _ body: (Value) throws -> Bool) throws {
        switch sequence {
        case .range(let range):
            for i in range where try !body(.number(Double(i))) { return }
        case .list(let items):
            for item in items where try !body(item) { return }
        case .record(let record):
            for name in record.names where try !body(.string(name)) { return }
        case .string(let text):
            for character in text where try !body(.string(String(character))) { return }
        case .tensor(let t) where !t.shape.isEmpty:
            for i in 0 ..< t.shape[0] where try !body(try Indexing.get(sequence, [.single(i)])) { return }
        default:
            throw LanguageError.runtime("cannot loop over \(withArticle(sequence.typeName)); loop over a list, range, tensor or string")
        }
    }
}
