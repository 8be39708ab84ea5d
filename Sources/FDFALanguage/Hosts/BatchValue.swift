import FDFAEngine

/// A batch of samples taken from a split by `batch(...)`: images (a copy, so it stays valid) and
/// their labels, which is what `step`, `grad`, `jvp`, `align` and the other per-batch built-ins read.
final class BatchValue: HostObject {
    let images: Tensor
    let labels: [Int32]
    let classNames: [String]
    /// Where it came from, for printing: "FashionMNIST train, batch 0".
    let origin: String

    init(images: Tensor, labels: [Int32], classNames: [String], origin: String) {
        self.images = images
        self.labels = labels
        self.classNames = classNames
        self.origin = origin
    }

    var typeName: String { "batch" }
    var fieldNames: [String] { ["images", "labels", "count", "shape"] }

    func field(_ name: String) -> Value? {
        switch name {
        case "images": return .tensor(images)
        case "labels": return .labels(labels)
        case "count": return .number(Double(labels.count))
        case "shape": return .dimensions(Array(images.shape.dropFirst()))
        default: return nil
        }
    }

    var description: String { "batch of \(labels.count) samples of \(format(Array(images.shape.dropFirst()))) (\(origin))" }
}
