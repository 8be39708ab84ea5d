import FDFAEngine

extension BuiltinGroup {
    /// The pieces `stack` builds a network from; each is a spec whose sizes follow from its input.
    static let layerSpecs = BuiltinGroup("Layers (for stack)", [
        Builtin("linear", [.required("outputs", .integer)], summary: "A fully connected layer with this many outputs (inputs follow from the shape).") { args, _ in
            spec(.linear(outputs: try positive(args, "outputs")))
        },
        Builtin("conv", [.required("outputs", .integer), .required("kernel", .integer), .optional("stride", .integer, default: .number(1)),
                         .optional("padding", .integer, default: .number(0))],
                summary: "A 2-D convolution: output channels, square kernel size, stride and zero padding.") { args, _ in
            let padding = try args.integer("padding")
            guard padding >= 0 else { throw LanguageError.runtime("'padding' must be 0 or more, got \(padding)") }
            return spec(.conv2d(outputs: try positive(args, "outputs"), kernel: try positive(args, "kernel"),
                                stride: try positive(args, "stride"), padding: padding))
        },
        Builtin("bn", [], summary: "BatchNorm over features (flat input) or channels (image input), PyTorch's defaults.") { _, _ in
            spec(.batchNorm)
        },
        Builtin("maxpool", [.required("kernel", .integer), .optional("stride", .integer, default: .none)],
                summary: "2-D max pooling; the stride defaults to the kernel size.") { args, _ in
            let kernel = try positive(args, "kernel")
            return spec(.maxPool(kernel: kernel, stride: args.isNone("stride") ? kernel : try positive(args, "stride")))
        },
        Builtin("avgpool", [.required("height", .integer), .required("width", .integer)],
                summary: "Adaptive average pooling to a fixed height × width.") { args, _ in
            spec(.adaptiveAvgPool(height: try positive(args, "height"), width: try positive(args, "width")))
        },
        Builtin("flatten", [], summary: "Flattens each sample to a vector (before a linear layer on images).") { _, _ in
            spec(.flatten)
        },
        Builtin("tap", [], summary: "A feedback tap: where DFA, DKP, FDFA and FG-A inject their signal (end of a hidden block).") { _, _ in
            spec(.tap)
        },
    ])

    private static func spec(_ spec: LayerSpec) -> Value { .host(LayerSpecValue(spec)) }

    private static func positive(_ args: Arguments, _ name: String) throws -> Int {
        let n = try args.integer(name)
        guard n > 0 else { throw LanguageError.runtime("'\(name)' must be at least 1, got \(n)") }
        return n
    }
}
