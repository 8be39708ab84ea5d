import FDFAEngine

/// One layer of a network (`net.layer(i)`, `net.layers[i]`). Its parameter fields are copies, so
/// that a script cannot change a network by accident; `set_param(layer, "W", t)` writes on purpose.
final class LayerValue: HostObject, TableRow {
    let network: Network
    /// 0-based position in `network.layers`.
    let index: Int

    init(_ network: Network, index: Int) {
        self.network = network
        self.index = index
    }

    var layer: Layer { network.layers[index] }

    /// The language's short names for the engine's parameter names.
    static let aliases = ["weight": "W", "bias": "b", "gamma": "gamma", "beta": "beta"]

    /// The parameter a script names `name` ("W", "b", "gamma", "beta"), if this layer has it.
    func parameter(_ name: String) -> Parameter? {
        layer.parameters.first { LayerValue.aliases[$0.name] == name }
    }

    var typeName: String { "layer" }
    var fieldNames: [String] {
        ["index", "kind", "input_shape", "output_shape", "params"] + layer.parameters.compactMap { LayerValue.aliases[$0.name] }
    }

    func field(_ name: String) -> Value? {
        switch name {
        case "index": return .number(Double(index + 1))
        case "kind": return .string(layer.description)
        case "input_shape": return .dimensions(layer.inputShape)
        case "output_shape": return .dimensions(layer.outputShape)
        case "params": return .list(layer.parameters.map { .tensor($0.value.copy()) })
        default: return parameter(name).map { .tensor($0.value.copy()) }
        }
    }

    var description: String { "layer \(index + 1): \(layer.description), output \(format(layer.outputShape))" }

    static let columnTitles = "    #  layer                      output       parameters"

    /// The layer's line in `info(net)` and in the table `net.layers` prints.
    var row: String {
        let name = layer.description.padding(toLength: 26, withPad: " ", startingAt: 0)
        let shape = format(layer.outputShape).padding(toLength: 12, withPad: " ", startingAt: 0)
        let line = "  \(String(format: "%3d", index + 1))  \(name) \(shape) \(layer.parameterCount > 0 ? String(layer.parameterCount) : "")"
        return String(line.reversed().drop { $0 == " " }.reversed())
    }
}
