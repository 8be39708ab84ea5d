/// The Python versions of CIFAR (`cifar-10-batches-py/data_batch_1`, `cifar-100-python/train`, as
/// torchvision and so the original leave them): each file a pickle of a dict whose keys are byte
/// strings and whose values are numpy arrays, lists of ints or of byte strings, and strings.
///
/// A pickle is a program for Python's unpickler, which may import and call anything it names. This
/// reader runs none of it: it interprets the few opcodes that build such a dict, and the only names
/// it accepts are numpy's array reconstruction (`numpy.core.multiarray._reconstruct`, `numpy.ndarray`,
/// `numpy.dtype`), each understood as data in the exact form numpy pickles an array. Any other
/// opcode, name or form is refused with an error naming the file and the byte.
enum CIFARPickle {
    /// A numpy array as pickled: its shape, element type (e.g. "u1", "<i8") and raw C-order bytes.
    struct Array {
        let shape: [Int]
        let dtype: String
        let bytes: ArraySlice<UInt8>
    }

    /// What the reader builds: the values a CIFAR dict holds, plus numpy's pieces on the way to an array.
    indirect enum Value {
        case none, bool(Bool), int(Int), bytes(ArraySlice<UInt8>), string(String)
        case list([Value]), tuple([Value]), dict([(key: Value, value: Value)])
        case array(Array)
        /// numpy's names, as data: never looked up or called.
        case reconstructName, ndarrayName, dtypeName
        /// `_reconstruct(ndarray, (0,), b'b')`: an array awaiting its state.
        case emptyArray
        /// `dtype('u1', False, True)` (the element type), awaiting its byte order.
        case dtype(String)
        case mark

        /// A dict key as text (CIFAR's keys are byte strings: b'data', b'labels', b'fine_labels').
        var keyText: String? {
            switch self {
            case let .bytes(b): return String(decoding: b, as: UTF8.self)
            case let .string(s): return s
            default: return nil
            }
        }
    }

    /// The dict pickled in `bytes`, keyed by text; throws `DataError.malformed` for anything else.
    static func dictionary(_ bytes: [UInt8], file: String) throws -> [String: Value] {
        guard case let .dict(items) = try read(bytes, file: file) else {
            throw DataError.malformed(file: file, reason: "the pickle does not hold a dict (not a CIFAR batch)")
        }
        var out: [String: Value] = [:]
        for (key, value) in items {
            guard let k = key.keyText else { throw DataError.malformed(file: file, reason: "a key of the pickled dict is not a string") }
            out[k] = value
        }
        return out
    }

    /// Interprets the pickle's opcodes (protocols 0–4, the subset listed below).
    static func read(_ bytes: [UInt8], file: String) throws -> Value {
        var stack: [Value] = [], memo: [Int: Value] = [:], at = 0
        func fail(_ why: String) -> DataError { .malformed(file: file, reason: "pickle byte \(at): \(why)") }
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, n <= bytes.count - at else { throw fail("the pickle ends early (truncated file)") }
            defer { at += n }
            return bytes[at ..< at + n]
        }
        func unsigned(_ n: Int) throws -> Int { try take(n).reversed().reduce(0) { $0 << 8 | Int($1) } }
        func line() throws -> String {
            guard let end = bytes[at...].firstIndex(of: 0x0A) else { throw fail("the pickle ends early (truncated file)") }
            defer { at = end + 1 }
            return String(decoding: bytes[at ..< end], as: UTF8.self)
        }
        func pop() throws -> Value {
            guard let v = stack.popLast() else { throw fail("the pickle pops an empty stack") }
            return v
        }
        func popToMark() throws -> [Value] {
            guard let m = stack.lastIndex(where: { if case .mark = $0 { return true } else { return false } }) else {
                throw fail("the pickle has no mark to pop to")
            }
            defer { stack.removeSubrange(m...) }
            return Swift.Array(stack[(m + 1)...])
        }
        func append(_ items: [Value]) throws {
            guard case let .list(list) = try pop() else { throw fail("appends to something that is not a list") }
            stack.append(.list(list + items))
        }
        func setItems(_ items: [Value]) throws {
            guard items.count % 2 == 0, case let .dict(dict) = try pop() else { throw fail("sets items on something that is not a dict") }
            stack.append(.dict(dict + stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }))
        }
        func global(_ module: String, _ name: String) throws -> Value {
            switch (module, name) {
            case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"): return .reconstructName
            case ("numpy", "ndarray"): return .ndarrayName
            case ("numpy", "dtype"): return .dtypeName
            default: throw fail("the pickle names \(module).\(name); a CIFAR batch holds only numpy arrays, lists and strings")
            }
        }

        while true {
            let opcode = try take(1).first!
            switch opcode {
            case 0x80: _ = try take(1)                                   // PROTO
            case 0x95: _ = try take(8)                                   // FRAME
            case UInt8(ascii: "."):                                      // STOP
                guard stack.count == 1 else { throw fail("the pickle stops with \(stack.count) values on its stack") }
                return stack[0]
            case UInt8(ascii: "("): stack.append(.mark)
            case UInt8(ascii: "}"): stack.append(.dict([]))
            case UInt8(ascii: "]"): stack.append(.list([]))
            case UInt8(ascii: ")"): stack.append(.tuple([]))
            case UInt8(ascii: "N"): stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case UInt8(ascii: "K"): stack.append(.int(try unsigned(1)))
            case UInt8(ascii: "M"): stack.append(.int(try unsigned(2)))
            case UInt8(ascii: "J"): stack.append(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))
            case UInt8(ascii: "I"):
                let text = try line()
                if text == "00" || text == "01" { stack.append(.bool(text == "01")) } else if let n = Int(text) { stack.append(.int(n)) } else {
                    throw fail("INT \(text) is not a number")
                }
            case UInt8(ascii: "U"), UInt8(ascii: "C"): stack.append(.bytes(try take(try unsigned(1))))
            case UInt8(ascii: "T"), UInt8(ascii: "B"): stack.append(.bytes(try take(try unsigned(4))))
            case 0x8E: stack.append(.bytes(try take(try unsigned(8))))
            case 0x8C: stack.append(.string(String(decoding: try take(try unsigned(1)), as: UTF8.self)))
            case UInt8(ascii: "X"): stack.append(.string(String(decoding: try take(try unsigned(4)), as: UTF8.self)))
            case UInt8(ascii: "q"): memo[try unsigned(1)] = stack.last
            case UInt8(ascii: "r"): memo[try unsigned(4)] = stack.last
            case 0x94: memo[memo.count] = stack.last
            case UInt8(ascii: "h"), UInt8(ascii: "j"):
                let key = try unsigned(opcode == UInt8(ascii: "h") ? 1 : 4)
                guard let v = memo[key] else { throw fail("the pickle refers to memo \(key), which it never stored") }
                stack.append(v)
            case UInt8(ascii: "t"): stack.append(.tuple(try popToMark()))
            case 0x85, 0x86, 0x87:
                let n = Int(opcode - 0x84)
                guard stack.count >= n else { throw fail("the pickle pops an empty stack") }
                let items = Swift.Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(.tuple(items))
            case UInt8(ascii: "a"): try append([try pop()])
            case UInt8(ascii: "e"): try append(try popToMark())
            case UInt8(ascii: "s"):
                let value = try pop(), key = try pop()
                try setItems([key, value])
            case UInt8(ascii: "u"): try setItems(try popToMark())
            case UInt8(ascii: "c"):
                let module = try line(), name = try line()
                stack.append(try global(module, name))
            case 0x93:
                guard case let .string(name) = try pop(), case let .string(module) = try pop() else {
                    throw fail("STACK_GLOBAL without two strings")
                }
                stack.append(try global(module, name))
            case UInt8(ascii: "R"): stack.append(try reduce(try pop(), try pop(), fail))
            case UInt8(ascii: "b"):
                let state = try pop()
                stack.append(try build(try pop(), state, fail))
            default:
                throw fail("opcode 0x\(String(opcode, radix: 16)) is not part of a CIFAR batch's pickle")
            }
        }
    }

    /// REDUCE, accepted only in numpy's two forms: `_reconstruct(ndarray, (0,), b'b')` and `dtype(kind, 0, 1)`.
    private static func reduce(_ arguments: Value, _ callable: Value, _ fail: (String) -> DataError) throws -> Value {
        switch (callable, arguments) {
        case let (.reconstructName, .tuple(args)):
            guard args.count == 3, case .ndarrayName = args[0] else { throw fail("an array reconstruction that is not numpy's") }
            return .emptyArray
        case let (.dtypeName, .tuple(args)):
            guard args.count == 3, let kind = args[0].keyText, kind.count <= 3 else { throw fail("a dtype that is not numpy's") }
            return .dtype(kind)
        default:
            throw fail("a call that is not numpy's array reconstruction")
        }
    }

    /// BUILD, accepted only to give a dtype its byte order or an array its shape, dtype and bytes.
    private static func build(_ object: Value, _ state: Value, _ fail: (String) -> DataError) throws -> Value {
        switch (object, state) {
        case let (.dtype(kind), .tuple(s)):
            guard s.count >= 2, let order = s[1].keyText, ["<", ">", "|", "="].contains(order) else { throw fail("a dtype state that is not numpy's") }
            return .dtype(order == "|" || order == "=" ? kind : order + kind)
        case let (.emptyArray, .tuple(s)):
            guard s.count == 5, case let .tuple(dims) = s[1], case let .dtype(dtype) = s[2], case let .bool(fortran) = s[3],
                  case let .bytes(data) = s[4] else {
                throw fail("an array state that is not numpy's (version, shape, dtype, order, bytes)")
            }
            let shape = try dims.map { d -> Int in
                guard case let .int(n) = d, n >= 0 else { throw fail("an array shape that is not a tuple of sizes") }
                return n
            }
            guard !fortran || shape.count <= 1 else { throw fail("a Fortran-ordered array (CIFAR's are C-ordered)") }
            return .array(Array(shape: shape, dtype: dtype, bytes: data))
        default:
            throw fail("a BUILD that is not numpy's array or dtype")
        }
    }
}
