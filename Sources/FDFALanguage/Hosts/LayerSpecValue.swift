import FDFAEngine

/// A layer before it knows its input shape (`linear(256)`, `bn()`, …): what `stack` builds from.
final class LayerSpecValue: HostObject {
    let spec: LayerSpec

    init(_ spec: LayerSpec) { self.spec = spec }

    var typeName: String { "layer spec" }
    var fieldNames: [String] { [] }
    func field(_ name: String) -> Value? { nil }
    var description: String { spec.description }
}
