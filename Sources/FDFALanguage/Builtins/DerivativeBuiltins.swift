import FDFAAnalysis
import FDFAEngine

/// Derivatives of the loss at the network's current parameters, on one batch. None of them changes
/// training: BatchNorm's statistics stay put and no rule's state is touched.
extension BuiltinGroup {
    static let derivatives = BuiltinGroup("Derivatives", [
        Builtin("grad", [.required("net", .host("network")), .required("batch", .host("batch"))],
                summary: "The true (backpropagation) gradient of the loss: one tensor per parameter, in net.params order.") { args, _ in
            let (net, images, labels) = try args.networkAndBatch()
            let truth = Gradients.truth(net.network, images: images, labels: labels)
            return .list(truth.parameters.map(Value.tensor))
        },
        Builtin("jvp", [.required("net", .host("network")), .required("batch", .host("batch")), .required("v", .list)],
                summary: "Forward-mode directional derivative of the loss along v (one tensor per parameter): ∇L · v.",
                details: """
                    One forward pass carrying the tangent v through every layer, no backward pass: what a forward-gradient
                    rule (Baydin et al. 2022) sees of the gradient. It equals dot(grad(net, batch), v) up to rounding.
                    Example: v = randn_like(net.params); jvp(net, b, v)
                    """) { args, _ in
            let (net, images, labels) = try args.networkAndBatch()
            let v = try net.parameterTensors(args["v"], argument: "v")
            return .number(DirectionalDerivative.loss(net.network, images: images, labels: labels, along: v))
        },
        Builtin("randn_like", [.required("x", .any)],
                summary: "Standard normal draws shaped like a tensor, or like each tensor of a list (randn_like(net.params)).") { args, session in
            func draw(_ t: Tensor) -> Value {
                let r = Tensor(zeros: t.shape)
                session.random.fillNormal(r)
                return .tensor(r)
            }
            switch args["x"] {
            case .tensor(let t): return draw(t)
            case .list: return .list(try args["x"].tensors("x").map(draw))
            default: throw args.mismatch("x", expected: "a tensor or a list of tensors")
            }
        },
        Builtin("jacobian", [.required("net", .host("network")), .required("batch", .host("batch")), .optional("tap", .integer, default: .number(1))],
                summary: "J_l: the batch-mean Jacobian of the logits w.r.t. tap l's output (classes × width), what FDFA's B_l estimates.",
                details: """
                    J_l = mean over the batch of ∂y_i/∂h_l,i. One backward pass per class, or per sample and class when
                    BatchNorm lies above the tap (then keep the batch small). Compare with net.tap(l).B via cosine.
                    """) { args, _ in
            let (net, images, _) = try args.networkAndBatch()
            let tap = try NetworkValue.tap(net.network, try args.integer("tap"))
            return .tensor(try Jacobian.batchMean(net.network, images: images, tap: tap,
                                                  cancellation: LanguageError.throwIfInterrupted))
        },
    ])
}
