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

    static let columns = ["#", "layer", "output", "parameters"]
    static var columnTitles: String { line(columns) }

    /// The layer's cells in `info(net)` and in the table `net.layers` prints.
    var cells: [String] {
        [String(index + 1), layer.description, format(layer.outputShape), layer.parameterCount > 0 ? String(layer.parameterCount) : ""]
    }

    var row: String { LayerValue.line(cells) }

    /// A row as text: the number right-aligned, the layer and its output in columns.
    private static func line(_ cells: [String]) -> String {
        let number = String(repeating: " ", count: max(0, 3 - cells[0].count)) + cells[0]
        let line = "  \(number)  \(cells[1].padding(toLength: 26, withPad: " ", startingAt: 0)) \(cells[2].padding(toLength: 12, withPad: " ", startingAt: 0)) \(cells[3])"
        return String(line.reversed().drop { $0 == " " }.reversed())
    }
}
