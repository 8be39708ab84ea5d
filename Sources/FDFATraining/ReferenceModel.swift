import FDFAData
import FDFAEngine

/// The reference implementation's choice of network for a dataset and its flags (docs/reference.md#networks):
/// CIFAR-100 always means AlexNet at 224×224; `--conv` picks the shallow CNN; otherwise a fully
/// connected net of `--n-layers` hidden blocks (800 wide on MNIST-shaped data, 1000 on CIFAR-10;
/// by default as many as `Rule.defaultHiddenLayers`). FG-W trains its own network: the same widths
/// without BatchNorm and taps.
public struct ReferenceModel: Equatable {
    public var dataset: DatasetName
    public var conv: Bool
    public var hiddenLayers: Int
    public var rule: Rule

    /// - Parameter hiddenLayers: the fully connected net's hidden blocks; nil for the rule's default.
    public init(dataset: DatasetName, conv: Bool = false, hiddenLayers: Int? = nil, rule: Rule) {
        self.dataset = dataset
        self.conv = conv
        self.hiddenLayers = hiddenLayers ?? rule.defaultHiddenLayers
        self.rule = rule
    }

    public var isAlexNet: Bool { dataset == .cifar100 }

    /// Width of the fully connected hidden blocks.
    public var hiddenWidth: Int { dataset == .cifar10 ? 1000 : 800 }

    /// The fully connected net's hidden widths.
    public var hiddenWidths: [Int] { Array(repeating: hiddenWidth, count: hiddenLayers) }

    /// The hidden widths `rule` trains by default on MNIST-shaped data: [800, 800]; FG-W's [800].
    public static func defaultHiddenWidths(for rule: Rule) -> [Int] {
        ReferenceModel(dataset: .mnist, rule: rule).hiddenWidths
    }

    /// Per-sample input shape the network sees (after the CIFAR-100 resize to 224).
    public func inputShape(for sampleShape: [Int]) -> [Int] {
        isAlexNet ? [sampleShape[0], 224, 224] : sampleShape
    }

    public func specs(classes: Int) -> [LayerSpec] {
        if isAlexNet { return LayerSpec.alexNet(classes: classes) }
        if conv { return LayerSpec.shallowCNN(classes: classes) }
        return rule == .fgw ? LayerSpec.fgw(hidden: hiddenWidths, classes: classes) : LayerSpec.fc(hidden: hiddenWidths, classes: classes)
    }

    public func network(for dataset: Dataset, seed: UInt64) throws -> Network {
        try Network(inputShape: inputShape(for: dataset.sampleShape), specs: specs(classes: dataset.classCount), seed: seed)
    }

    /// The per-batch image transforms: CIFAR-100 trains on random resized crops with flips and
    /// tests on a plain resize; every other dataset is used as stored.
    public var trainTransform: ImageTransform? { isAlexNet ? .randomResizedCropAndFlip(to: 224) : nil }
    public var testTransform: ImageTransform? { isAlexNet ? .resize(to: 224) : nil }
}
