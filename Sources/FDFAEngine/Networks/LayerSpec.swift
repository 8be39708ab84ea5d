/// What a layer is, before it knows its input shape: the recipe a network is built from.
///
/// Presets and the language's custom stacks are lists of specs; `Network` walks them with the
/// input shape, so sizes that follow from the data (a Linear's inputs, BatchNorm's channels) are
/// never written twice, and a shape that does not fit is caught when the network is built.
public enum LayerSpec: Equatable, CustomStringConvertible {
    case linear(outputs: Int)
    case conv2d(outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0)
    /// BatchNorm over features (a flat input, BatchNorm1d) or channels (an image input, BatchNorm2d).
    case batchNorm
    case relu
    case maxPool(kernel: Int, stride: Int)
    case adaptiveAvgPool(height: Int, width: Int)
    case flatten
    case tap

    public var description: String {
        switch self {
        case let .linear(n): return "linear(\(n))"
        case let .conv2d(n, k, s, p): return "conv2d(\(n), k\(k), s\(s), p\(p))"
        case .batchNorm: return "batchnorm"
        case .relu: return "relu"
        case let .maxPool(k, s): return "maxpool(\(k), s\(s))"
        case let .adaptiveAvgPool(h, w): return "adaptive_avgpool(\(h)×\(w))"
        case .flatten: return "flatten"
        case .tap: return "tap"
        }
    }

    /// The layer for a per-sample `input` shape; throws a `ShapeError` saying why the shape does not fit.
    /// `tapIndex` is the 1-based number this layer gets if it is a tap.
    func build(input: [Int], tapIndex: Int, rng: inout Random) throws -> Layer {
        switch self {
        case let .linear(outputs):
            guard input.count == 1 else {
                throw ShapeError("expects a flat vector of features, got \(format(input)); add flatten first")
            }
            guard outputs > 0 else { throw ShapeError("needs at least one output, got \(outputs)") }
            return Linear(inputs: input[0], outputs: outputs, rng: &rng)
        case .relu:
            return ReLU(shape: input)
        case .flatten:
            return Flatten(shape: input)
        case .tap:
            return Tap(shape: input, index: tapIndex)
        case let .conv2d(outputs, kernel, stride, padding):
            return try Conv2d(input: input, outputs: outputs, kernel: kernel, stride: stride, padding: padding, rng: &rng)
        case .batchNorm:
            return try BatchNorm(shape: input)
        case let .maxPool(kernel, stride):
            return try MaxPool2d(input: input, kernel: kernel, stride: stride)
        case let .adaptiveAvgPool(height, width):
            return try AdaptiveAvgPool2d(input: input, height: height, width: width)
        }
    }
}

/// "1×28×28" for [1, 28, 28].
public func format(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }
