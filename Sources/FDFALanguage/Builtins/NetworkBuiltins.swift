import FDFAEngine
import FDFATraining

extension BuiltinGroup {
    static let networks = BuiltinGroup("Networks", [
        Builtin("fc", [.required("input", .any), .optional("hidden", .list, default: defaultWidths(.referenceDefault)),
                       .optional("classes", .integer, default: .none), .optional("seed", .integer, default: .none)],
                summary: "Fully connected net: per hidden width linear → bn → relu → tap, then linear(classes).",
                details: """
                    input is a data set (its sample shape and classes), a feature count or a shape: fc(784, [800, 800], 10),
                    fc(data, [256]). The reference uses two hidden blocks of 800 on MNIST-sized data (docs/reference.md#networks).
                    Every new network (fc, cnn, stack, …) trains with FDFA, the reference's default, when it has taps,
                    and with BP when it has none (FDFA's signals enter at taps), until configure says otherwise. The
                    seed (default: drawn from the session's generator) fixes the weights, the rule's draws and
                    the data order of train.
                    """) { args, session in
            try build(args, session, kind: "fc") { LayerSpec.fc(hidden: try widths(args), classes: $0) }
        },
        Builtin("cnn", [.required("input", .any), .optional("classes", .integer, default: .none), .optional("seed", .integer, default: .none)],
                summary: "The reference's shallow CNN (two 5×5 convolutions, a pool, 128 hidden, classes) for C×H×W input.") { args, session in
            try build(args, session, kind: "cnn") { LayerSpec.shallowCNN(classes: $0) }
        },
        Builtin("alexnet", [.optional("classes", .integer, default: .number(100)), .optional("seed", .integer, default: .none)],
                summary: "AlexNet with BatchNorm on 3×224×224 input, as the reference trains on CIFAR-100 (57M parameters).") { args, session in
            try make(args, session, kind: "alexnet", input: [3, 224, 224], specs: LayerSpec.alexNet(classes: try args.integer("classes")))
        },
        Builtin("fgw_net", [.required("input", .any), .optional("hidden", .list, default: defaultWidths(.fgw)),
                            .optional("classes", .integer, default: .none), .optional("seed", .integer, default: .none)],
                summary: "FG-W's network: linear → relu per hidden width, then linear(classes); no BatchNorm, no taps; rule FG-W.") { args, session in
            try build(args, session, kind: "fgw_net", rule: .fgw) { LayerSpec.fgw(hidden: try widths(args), classes: $0) }
        },
        Builtin("stack", [.required("input", .any), .variadic("layers", .any), .optional("seed", .integer, default: .none)],
                summary: "A custom network: stack([784], linear(256), bn(), relu, tap(), linear(10)).",
                details: """
                    input is a shape, a feature count or a data set; the layers are specs (linear, conv, bn, maxpool,
                    avgpool, flatten, tap) and the function relu itself. The last layer must be a linear output layer.
                    A shape that does not fit names the layer: "layer 2 (linear(10)) on input 1×28×28: …".
                    Like every network it trains with FDFA when it has taps and with BP when it has none, until
                    configure says otherwise.
                    """) { args, session in
            let specs = try args.list("layers").enumerated().map { i, value -> LayerSpec in
                switch value {
                case .host(let spec as LayerSpecValue): return spec.spec
                case .builtin(let builtin) where builtin.name == "relu": return .relu
                default:
                    throw LanguageError.runtime("layer \(i + 1) is \(withArticle(value.typeName)), not a layer spec (linear(n), conv(n, k), bn(), relu, maxpool(k), avgpool(h, w), flatten(), tap())")
                }
            }
            return try make(args, session, kind: "stack", input: try input(args).shape, specs: specs)
        },
        Builtin("set_param", [.required("target", .any), .required("name", .string), .required("value", .tensorLike)],
                summary: "Writes a tensor into a network: set_param(net.layer(2), \"W\", w) or set_param(net.tap(1), \"B\", b).",
                details: """
                    Fields such as layer.W and tap.B are copies (changing them changes nothing); set_param writes into
                    the live network. The value must have the parameter's number of elements. Names: W, b (linear,
                    conv), gamma, beta (bn), B (a tap's feedback matrix, under DFA, DKP and FDFA).
                    """) { args, _ in
            let name = try args.string("name"), value = try args.tensor("value")
            let target: Tensor
            switch args["target"] {
            case .host(let layer as LayerValue):
                guard let parameter = layer.parameter(name) else {
                    throw LanguageError.runtime("layer \(layer.index + 1) (\(layer.layer.description)) has no parameter '\(name)'")
                }
                target = parameter.value
            case .host(let tap as TapValue):
                guard name == "B", let feedback = tap.feedback else {
                    throw LanguageError.runtime("tap \(tap.tap.index) has " + (tap.feedback == nil ? "no feedback matrix under this rule" : "only 'B'"))
                }
                target = feedback
            default:
                throw args.mismatch("target", expected: "a layer or a tap")
            }
            try write(value, into: target, what: "'\(name)'")
            return .none
        },
        Builtin("set_params", [.required("net", .host("network")), .required("values", .list)],
                summary: "Writes a list of tensors (as net.params gives them) into all of the network's parameters.") { args, _ in
            let net = args.host("net", NetworkValue.self)
            let values = try net.parameterTensors(args["values"], argument: "values")
            for (value, parameter) in zip(values, net.network.parameters) { parameter.value.assign(value) }
            return .none
        },
    ])

    /// Input shape and classes from a data set, a feature count or a shape (classes then default to 10).
    private static func input(_ args: Arguments) throws -> (shape: [Int], classes: Int?) {
        switch args["input"] {
        case .host(let data as DatasetValue): return (data.dataset.sampleShape, data.dataset.classCount)
        case .number, .list: return (try args.dimensions("input"), nil)
        default: throw args.mismatch("input", expected: "a dataset, a feature count or a shape")
        }
    }

    /// The hidden widths of the reference's network for `rule` on MNIST-sized data, as a default argument.
    private static func defaultWidths(_ rule: Rule) -> Value {
        .list(ReferenceModel.defaultHiddenWidths(for: rule).map { .number(Double($0)) })
    }

    private static func widths(_ args: Arguments) throws -> [Int] {
        try args.list("hidden").map { try Indexing.integer($0, "a hidden width") }
    }

    /// A preset for the input of `args` with its classes (the argument, else the data set's, else 10).
    private static func build(_ args: Arguments, _ session: Session, kind: String, rule: Rule? = nil,
                              specs: (Int) throws -> [LayerSpec]) throws -> Value {
        let (shape, dataClasses) = try input(args)
        let classes = try args.optionalInteger("classes") ?? dataClasses ?? 10
        guard classes >= 1 else { throw LanguageError.runtime("'classes' must be at least 1, got \(classes)") }
        return try make(args, session, kind: kind, input: shape, specs: try specs(classes), rule: rule)
    }

    /// Builds the network with the seed of `args` (or one from the session) and wraps it with its trainer.
    private static func make(_ args: Arguments, _ session: Session, kind: String, input: [Int], specs: [LayerSpec],
                             rule: Rule? = nil) throws -> Value {
        guard !input.isEmpty, input.allSatisfy({ $0 > 0 }) else { throw LanguageError.runtime("the input shape must be positive dimensions, got \(input)") }
        try MemoryBudget.check(floats: 4 * parameterBound(input: input, specs: specs), "this \(kind) network")
        let seeds = SeedPlan(try args.seed("seed", session))
        do {
            let network = try Network(inputShape: input, specs: specs, seed: seeds.network)
            return .host(try NetworkValue(network, kind: kind, seeds: seeds, rule: rule))
        } catch let error as Network.BuildError {
            throw LanguageError.runtime("\(error)")
        }
    }

    /// An upper bound of the parameter count of `specs` on `input`, in floating point (widths a user
    /// typed may overflow an Int). The memory check counts it four times: values, gradients and
    /// Adam's two moments.
    private static func parameterBound(input: [Int], specs: [LayerSpec]) -> Double {
        var features = input.reduce(1.0) { $0 * Double($1) }
        var channels = Double(input.count == 3 ? input[0] : 1), plane = features / channels
        var parameters = 0.0
        for spec in specs {
            switch spec {
            case let .linear(outputs):
                parameters += (features + 1) * Double(outputs)
                (features, channels, plane) = (Double(outputs), 1, Double(outputs))
            case let .conv2d(outputs, kernel, _, padding):
                parameters += Double(outputs) * (channels * Double(kernel * kernel) + 1)
                plane = plane + 4 * Double(padding) * (plane.squareRoot() + Double(padding)) // (h + 2p)(w + 2p) for a square plane
                (channels, features) = (Double(outputs), Double(outputs) * plane)
            case .batchNorm:
                parameters += 2 * features
            case let .adaptiveAvgPool(height, width):
                (plane, features) = (Double(height * width), channels * Double(height * width))
            case .relu, .maxPool, .flatten, .tap:
                break
            }
        }
        return parameters
    }

    /// Copies `value` into `target` when they hold the same number of values.
    private static func write(_ value: Tensor, into target: Tensor, what: String) throws {
        guard value.count == target.count else {
            throw LanguageError.runtime("\(what) has shape \(target.shape); the value has shape \(value.shape)")
        }
        target.assign(value)
    }
}
