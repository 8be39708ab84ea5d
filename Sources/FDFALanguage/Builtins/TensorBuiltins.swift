import FDFAAnalysis
import FDFAEngine

extension BuiltinGroup {
    static let tensors = BuiltinGroup("Tensors", [
        Builtin("tensor", [.required("values", .tensorLike)],
                summary: "A float32 tensor from a number, a range or a nested list: tensor([[1, 2], [3, 4]]).") { args, _ in
            .tensor(try TensorMath.tensor(from: args["values"]))
        },
        Builtin("zeros", [.variadic("dims", .dimensions)], summary: "A tensor of zeros: zeros(2, 3) or zeros(t.shape).") { args, _ in
            .tensor(try MemoryBudget.zeros(try args.shape("dims")))
        },
        Builtin("ones", [.variadic("dims", .dimensions)], summary: "A tensor of ones.") { args, _ in
            let t = try MemoryBudget.zeros(try args.shape("dims"))
            t.fill(1)
            return .tensor(t)
        },
        Builtin("randn", [.variadic("dims", .dimensions)],
                summary: "Standard normal draws from the session's generator (see seed).") { args, session in
            let t = try MemoryBudget.zeros(try args.shape("dims"))
            session.random.fillNormal(t)
            return .tensor(t)
        },
        Builtin("rand", [.variadic("dims", .dimensions)],
                summary: "Uniform draws in [0, 1) from the session's generator (see seed).") { args, session in
            let t = try MemoryBudget.zeros(try args.shape("dims"))
            session.random.fillUniform(t)
            return .tensor(t)
        },
        Builtin("shape", [.required("t", .tensor)], summary: "The tensor's shape as a list (the same as t.shape).") { args, _ in
            .list(try args.tensor("t").shape.map { .number(Double($0)) })
        },
        Builtin("reshape", [.required("t", .tensorLike), .variadic("dims", .dimensions)],
                summary: "The same values with another shape (a copy); one dimension may be -1 (inferred).") { args, _ in
            let t = try args.tensor("t")
            let shape = try args.shape("dims", count: t.count)
            guard shape.checkedProduct == t.count else {
                throw LanguageError.runtime("cannot reshape \(t.shape) (\(t.count) values) to \(shape)")
            }
            return .tensor(t.copy().viewed(as: shape))
        },
        Builtin("copy", [.required("t", .tensor)], summary: "A new tensor with the same values (tensors are shared, not copied, by =).") { args, _ in
            .tensor(try args.tensor("t").copy())
        },
        Builtin("matmul", [.required("a", .tensorLike), .required("b", .tensorLike)],
                summary: "Matrix product (the same as a @ b); vectors act as rows on the left, columns on the right.") { args, _ in
            .tensor(try TensorMath.matmul(try args.tensor("a"), try args.tensor("b")))
        },
        Builtin("transpose", [.required("t", .tensor)], summary: "The transpose of a matrix.") { args, _ in
            .tensor(try TensorMath.transpose(try args.tensor("t")))
        },
        Builtin("outer", [.required("a", .tensorLike), .required("b", .tensorLike)],
                summary: "Outer product of two vectors (all elements of each): shape [len a, len b].",
                details: "The forward-gradient estimate of a weight gradient is outer(d, u): outer(e, x) for a layer y = W x.") { args, _ in
            let a = try args.tensor("a"), b = try args.tensor("b")
            return .tensor(try TensorMath.matmul(a.viewed(as: [a.count, 1]), b.viewed(as: [1, b.count])))
        },
        Builtin("dot", [.required("a", .tensorLike), .required("b", .tensorLike)],
                summary: "Sum of elementwise products of two tensors, or of two lists of tensors (as one long vector each).",
                details: "dot(grad(net, b), v) is the gradient's component along a direction v given per parameter.") { args, _ in
            let (a, b) = try pairedVectors(args)
            return .number(zip(a, b).reduce(0.0) { $0 + Double(BLAS.dot($1.0.data, $1.1.data, count: $1.0.count)) })
        },
        Builtin("norm", [.required("t", .tensorLike)], summary: "Euclidean (Frobenius) norm: sqrt(dot(t, t)).") { args, _ in
            let t = try args.tensor("t")
            return .number(Double(BLAS.dot(t.data, t.data, count: t.count)).squareRoot())
        },
        Builtin("cosine", [.required("a", .tensorLike), .required("b", .tensorLike)],
                summary: "Cosine similarity dot(a, b) / (norm(a) norm(b)) of tensors or lists of tensors; 0 if either is all zeros.",
                details: "How well an estimated gradient points along the true one: 1 is the same direction.") { args, _ in
            let (a, b) = try pairedVectors(args)
            return .number(Comparison(estimate: a, truth: b).cosine)
        },
        Builtin("summary", [.required("x", .any)],
                summary: "Prints a tensor's shape, mean, std, min, max and first values, or a network's layers (as info).") { args, session in
            switch args["x"] {
            case .tensor(let t): session.write(Display.summary(t) + "\n")
            case .host(let object as Informative): session.inform(about: object)
            default: throw args.mismatch("x", expected: "a tensor or a network")
            }
            return .none
        },
    ])

    /// The two arguments as flat vectors: a tensor is one, a list of tensors is their concatenation
    /// (a gradient or direction per parameter); tensors must pair up with equal numbers of values.
    private static func pairedVectors(_ args: Arguments) throws -> ([Tensor], [Tensor]) {
        func parts(_ name: String) throws -> [Tensor] {
            if case .list(let items) = args[name], let first = items.first, case .tensor = first { return try args[name].tensors(name) }
            return [try args.tensor(name)]
        }
        let a = try parts("a"), b = try parts("b")
        guard a.count == b.count else { throw LanguageError.runtime("'a' holds \(a.count) tensors and 'b' \(b.count)") }
        for (i, (x, y)) in zip(a, b).enumerated() where x.count != y.count {
            let which = a.count > 1 ? " (tensor #\(i + 1))" : ""
            throw LanguageError.runtime("shapes \(x.shape) and \(y.shape) hold different numbers of values\(which)")
        }
        return (a, b)
    }
}
