import FDFAEngine

/// `x[i]`, `x[a:b]`, `t[i, j]` and `r["name"]`: reading and writing elements of lists and tensors,
/// and fields of records by a name computed at run time (`curves[rule] = c` in a loop).
///
/// Indices count from 0; negative ones count from the end (-1 is the last). Slices `a:b` exclude
/// `b`, either end may be left out, and they are clipped to the length, as in Python. Reading a
/// tensor slice copies it; writing `t[…] = x` changes the tensor in place.
enum Indexing {
    enum Component {
        case single(Int)
        case slice(Int?, Int?)
        /// A string: a record's field name.
        case key(String)
    }

    /// A number that must be a whole number (an index, a dimension, a count).
    static func integer(_ value: Value, _ what: String) throws -> Int {
        guard case .number(let n) = value else { throw LanguageError.mustBe(what, "a number", got: value) }
        guard n == n.rounded(), abs(n) < 1e15 else { throw LanguageError.runtime("\(what) must be a whole number, got \(Display.number(n))") }
        return Int(n)
    }

    static func get(_ container: Value, _ components: [Component]) throws -> Value {
        switch container {
        case .list(let items):
            switch try listPosition(components, count: items.count) {
            case .single(let i): return items[i]
            case .slice(let range): return .list(Array(items[range]))
            }
        case .record(let record):
            let name = try key(components)
            guard let value = record[name] else { throw missingKey(name, in: record) }
            return value
        case .tensor(let t):
            let selection = try Selection(t.shape, components)
            if selection.shape.isEmpty { return .number(Double(t[flat: selection.offsets[0]])) }
            let result = try MemoryBudget.zeros(selection.shape)
            for (i, offset) in selection.offsets.enumerated() { result[flat: i] = t[flat: offset] }
            return .tensor(result)
        default:
            throw LanguageError.runtime("cannot index \(withArticle(container.typeName)); only lists, tensors and records (by name) have elements")
        }
    }

    /// Changes the selected element(s) in place; for tensors the new value must be a number or a
    /// tensor with the selection's shape.
    static func modify(_ container: inout Value, _ components: [Component], _ body: (inout Value) throws -> Void) throws {
        switch container {
        case .list(var items):
            guard case .single(let i) = try listPosition(components, count: items.count) else {
                throw LanguageError.runtime("cannot assign to a slice of a list")
            }
            container = .none // drop the second reference so the list is changed in place, not copied
            defer { container = .list(items) }
            try body(&items[i])
        case .record(var record):
            let name = try key(components)
            container = .none // drop the second reference so the record is changed in place, not copied
            defer { container = .record(record) }
            var field = record[name] ?? .none
            try body(&field)
            record[name] = field
        case .tensor(let t):
            let selection = try Selection(t.shape, components)
            var value = try get(container, components)
            try body(&value)
            switch value {
            case .number(let n):
                for offset in selection.offsets { t[flat: offset] = Float(n) }
            case .tensor(let source) where source.shape == selection.shape || (selection.shape.isEmpty && source.count == 1):
                for (i, offset) in selection.offsets.enumerated() { t[flat: offset] = source[flat: i] }
            default:
                throw LanguageError.runtime("cannot store a \(describe(value)) into a selection of shape \(selection.shape)")
            }
        default:
            throw LanguageError.runtime("cannot assign into \(withArticle(container.typeName)); only lists, tensors and records (by name) have elements")
        }
    }

    /// The field name of `r["name"]`.
    private static func key(_ components: [Component]) throws -> String {
        guard components.count == 1, case .key(let name) = components[0] else {
            throw LanguageError.runtime("a record is indexed by one field name (a string): r[\"lr\"]")
        }
        return name
    }

    private static func describe(_ value: Value) -> String {
        if case .tensor(let t) = value { return "tensor of shape \(t.shape)" }
        return value.typeName
    }

    private enum ListPosition {
        case single(Int)
        case slice(Range<Int>)
    }

    private static func listPosition(_ components: [Component], count: Int) throws -> ListPosition {
        guard components.count == 1 else { throw LanguageError.runtime("a list takes one index, got \(components.count)") }
        switch components[0] {
        case .single(let i): return .single(try position(i, count: count))
        case .slice(let start, let end): return .slice(clip(start, end, count: count))
        case .key(let name): throw notANumber(name)
        }
    }

    /// A valid position for index `i` (negative from the end) in `0..<count`.
    static func position(_ i: Int, count: Int, dimension: Int? = nil) throws -> Int {
        let p = i < 0 ? i + count : i
        guard p >= 0, p < count else {
            let which = dimension.map { " in dimension \($0) (size \(count))" } ?? " (length \(count))"
            throw LanguageError.runtime("index \(i) is out of range\(which)")
        }
        return p
    }

    /// `r["name"]` for a field the record lacks, as reading and `del r["name"]` report it.
    static func missingKey(_ name: String, in record: Record) -> LanguageError {
        LanguageError.runtime("the record has no field \(Display.quoted(name))" + Suggestion.hint(for: name, among: record.names)
                              + " (fields: \(record.names.isEmpty ? "none" : record.names.joined(separator: ", ")))")
    }

    private static func notANumber(_ name: String) -> LanguageError {
        LanguageError.runtime("an index must be a number, got the string \(Display.quoted(name)) (strings index records)")
    }

    static func clip(_ start: Int?, _ end: Int?, count: Int) -> Range<Int> {
        func bound(_ b: Int) -> Int { min(max(b < 0 ? b + count : b, 0), count) }
        let lower = start.map(bound) ?? 0
        return lower ..< max(lower, end.map(bound) ?? count)
    }

    /// The elements of a tensor that an index selects: their flat offsets in row-major order and
    /// the result's shape (single indices drop their dimension; unindexed trailing ones are kept).
    struct Selection {
        let shape: [Int]
        let offsets: [Int]

        init(_ tensorShape: [Int], _ components: [Component]) throws {
            guard components.count <= tensorShape.count else {
                throw LanguageError.runtime("\(components.count) indices for a tensor of shape \(tensorShape)")
            }
            var positions: [[Int]] = []
            var shape: [Int] = []
            for (d, size) in tensorShape.enumerated() {
                switch d < components.count ? components[d] : .slice(nil, nil) {
                case .single(let i):
                    positions.append([try position(i, count: size, dimension: d)])
                case .slice(let start, let end):
                    let range = clip(start, end, count: size)
                    positions.append(Array(range))
                    shape.append(range.count)
                case .key(let name):
                    throw notANumber(name)
                }
            }
            try MemoryBudget.check(positions.reduce(1) { $0 * $1.count }, of: MemoryLayout<Int>.stride, "the offsets of a selection of shape \(shape)")
            var strides = Array(repeating: 1, count: tensorShape.count)
            for d in tensorShape.indices.reversed().dropFirst() { strides[d] = strides[d + 1] * tensorShape[d + 1] }
            var offsets = [0]
            for (d, chosen) in positions.enumerated() {
                offsets = offsets.flatMap { base in chosen.map { base + $0 * strides[d] } }
            }
            self.shape = shape
            self.offsets = offsets
        }
    }
}
