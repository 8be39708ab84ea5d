/// The reference's networks (docs/reference.md#networks) as spec lists, built for a given input shape.
///
/// Each hidden block is `Linear|Conv → BatchNorm → ReLU [→ pooling] → tap`; the last layer is the
/// Linear output layer. The spec lists are public too, so a custom stack can start from a preset.
extension LayerSpec {
    /// Fully connected: flatten, then per hidden width linear → batchNorm → relu → tap, then
    /// linear(classes). The reference uses two blocks of 800 on MNIST / Fashion-MNIST and of 1000
    /// on CIFAR-10 (--n-layers sets the count).
    public static func fc(hidden: [Int], classes: Int) -> [LayerSpec] {
        [.flatten] + hidden.flatMap { [.linear(outputs: $0), .batchNorm, .relu, .tap] } + [.linear(outputs: classes)]
    }

    /// The shallow CNN of the reference's code (no pooling after the first convolution, so the
    /// flatten is 40×10×10 = 4000 on 1×28×28 and 40×12×12 = 5760 on 3×32×32).
    public static func shallowCNN(classes: Int) -> [LayerSpec] {
        [
            .conv2d(outputs: 15, kernel: 5), .batchNorm, .relu, .tap,
            .conv2d(outputs: 40, kernel: 5), .batchNorm, .relu, .tap, .maxPool(kernel: 2, stride: 2),
            .flatten,
            .linear(outputs: 128), .batchNorm, .relu, .tap,
            .linear(outputs: classes),
        ]
    }

    /// AlexNet with BatchNorm, as the reference trains it on CIFAR-100 at 3×224×224.
    public static func alexNet(classes: Int) -> [LayerSpec] {
        [
            .conv2d(outputs: 64, kernel: 11, stride: 4, padding: 2), .batchNorm, .relu, .maxPool(kernel: 3, stride: 2), .tap,
            .conv2d(outputs: 192, kernel: 5, padding: 2), .batchNorm, .relu, .maxPool(kernel: 3, stride: 2), .tap,
            .conv2d(outputs: 384, kernel: 3, padding: 1), .batchNorm, .relu, .tap,
            .conv2d(outputs: 256, kernel: 3, padding: 1), .batchNorm, .relu, .tap,
            .conv2d(outputs: 256, kernel: 3, padding: 1), .batchNorm, .relu, .maxPool(kernel: 3, stride: 2),
            .adaptiveAvgPool(height: 6, width: 6), .flatten, .tap,
            .linear(outputs: 4096), .batchNorm, .relu, .tap,
            .linear(outputs: 4096), .batchNorm, .relu, .tap,
            .linear(outputs: classes),
        ]
    }

    /// FG-W's network: flatten, (linear → relu) per hidden width, linear(classes); no BatchNorm
    /// (a weight perturbation through batch statistics is not what Baydin et al. measure) and no taps.
    public static func fgw(hidden: [Int], classes: Int) -> [LayerSpec] {
        [.flatten] + hidden.flatMap { [.linear(outputs: $0), .relu] } + [.linear(outputs: classes)]
    }
}

extension Network {
    /// See `LayerSpec.fc`; `input` is the per-sample shape, e.g. [1, 28, 28].
    public static func fc(input: [Int], hidden: [Int], classes: Int, seed: UInt64) throws -> Network {
        try Network(inputShape: input, specs: LayerSpec.fc(hidden: hidden, classes: classes), seed: seed)
    }

    /// See `LayerSpec.shallowCNN`; `input` is C×H×W, at least 10×10 (two 5×5 kernels, then a 2×2 pool).
    public static func shallowCNN(input: [Int], classes: Int, seed: UInt64) throws -> Network {
        try Network(inputShape: input, specs: LayerSpec.shallowCNN(classes: classes), seed: seed)
    }

    /// See `LayerSpec.alexNet`; input 3×224×224.
    public static func alexNet(classes: Int = 100, seed: UInt64) throws -> Network {
        try Network(inputShape: [3, 224, 224], specs: LayerSpec.alexNet(classes: classes), seed: seed)
    }

    /// See `LayerSpec.fgw`. FG-W trains one hidden layer by default, as wide as fc's
    /// (docs/reference.md#networks): 800, the reference's fully connected width on MNIST.
    public static func fgw(input: [Int], hidden: [Int] = [800], classes: Int, seed: UInt64) throws -> Network {
        try Network(inputShape: input, specs: LayerSpec.fgw(hidden: hidden, classes: classes), seed: seed)
    }
}
