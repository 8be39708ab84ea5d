import FDFAEngine
import Foundation

extension BuiltinGroup {
    static let math = BuiltinGroup("Math", elementwise + reductions)

    /// Functions of one number, applied elementwise to tensors: one table, one declaration each.
    private static let elementwiseTable: [(name: String, summary: String, f: (Double) -> Double)] = [
        ("abs", "Absolute value", { (x: Double) in Swift.abs(x) }),
        ("sqrt", "Square root", { $0.squareRoot() }),
        ("exp", "e to the power x", { Foundation.exp($0) }),
        ("log", "Natural logarithm", { Foundation.log($0) }),
        ("tanh", "Hyperbolic tangent", { Foundation.tanh($0) }),
        ("sigmoid", "Logistic function 1 / (1 + e^-x)", { 1 / (1 + Foundation.exp(-$0)) }),
        ("relu", "max(x, 0)", { Swift.max($0, 0) }),
        ("floor", "Largest whole number not above x", { $0.rounded(.down) }),
    ]

    private static let elementwise: [Builtin] = elementwiseTable.map { name, summary, f in
        // relu is also a layer, written bare in a stack; relu() there would otherwise say only "missing x".
        let x: BuiltinParameter = name == "relu" ? .optional("x", .tensorLike, default: .none) : .required("x", .tensorLike)
        return Builtin(name, [x], summary: "\(summary); elementwise on tensors.") { args, _ in
            if args.isNone("x") {
                throw LanguageError.runtime("relu(x) needs a tensor; as a layer in a stack, write relu bare: stack([4], linear(8), relu, linear(2))")
            }
            if case .number(let x) = args["x"] { return .number(f(x)) }
            return .tensor(try TensorMath.map(try args.tensor("x")) { Float(f(Double($0))) })
        }
    }

    private static let reductions: [Builtin] = [
        Builtin("round", [.required("x", .tensorLike), .optional("digits", .integer, default: .number(0))],
                summary: "x rounded to digits decimals (halves away from zero); elementwise on tensors: round(acc, 2).") { args, _ in
            let digits = try args.integer("digits")
            guard (-300 ... 300).contains(digits) else { throw LanguageError.runtime("'digits' must be between -300 and 300, got \(digits)") }
            let scale = pow(10, Double(digits))
            let f = { (x: Double) in scale.isFinite ? (x * scale).rounded() / scale : x }
            if case .number(let x) = args["x"] { return .number(f(x)) }
            return .tensor(try TensorMath.map(try args.tensor("x")) { Float(f(Double($0))) })
        },
        Builtin("sum", [.required("x", .tensorLike), .optional("axis", .integer, default: .none)],
                summary: "Sum of all elements, or along one axis of a tensor (sum(t, 0) sums the rows).") { args, _ in
            try TensorMath.sum(try args.tensor("x"), axis: args.isNone("axis") ? nil : try args.integer("axis"))
        },
        Builtin("mean", [.required("x", .tensorLike), .optional("axis", .integer, default: .none)],
                summary: "Mean of all elements, or along one axis of a tensor.") { args, _ in
            let t = try args.tensor("x")
            let axis = args.isNone("axis") ? nil : try args.integer("axis")
            let count = try axis.map { t.shape[try Indexing.position($0, count: t.shape.count)] } ?? t.count
            return try Operators.binary(.divide, try TensorMath.sum(t, axis: axis), .number(Double(count)))
        },
        extremum("min", "Smallest", <),
        extremum("max", "Largest", >),
    ]

    /// min / max over several numbers, or over the elements of one list, range or tensor.
    private static func extremum(_ name: String, _ adjective: String, _ better: @escaping (Double, Double) -> Bool) -> Builtin {
        Builtin(name, [.variadic("values", .tensorLike)],
                summary: "\(adjective) of the numbers given, or of the elements of one list or tensor.",
                details: "\(name)(3, 1, 2), \(name)([3, 1, 2]) and \(name)(tensor([3, 1, 2])) agree.") { args, _ in
            let given = try args.list("values")
            let numbers: [Double]
            if given.count == 1, !isNumber(given[0]) {
                numbers = try TensorMath.tensor(from: given[0]).array.map(Double.init)
            } else {
                numbers = try given.map {
                    guard case .number(let n) = $0 else { throw LanguageError.runtime("give several numbers, or one list or tensor") }
                    return n
                }
            }
            guard let first = numbers.first else { throw LanguageError.runtime("needs at least one value") }
            return .number(numbers.dropFirst().reduce(first) { better($1, $0) ? $1 : $0 })
        }
    }

    private static func isNumber(_ value: Value) -> Bool {
        if case .number = value { return true }
        return false
    }
}
