import FDFAData
import FDFAEngine

/// One split of a loaded data set (`data.train`, `data.test`), with the names it needs to talk
/// about its samples: which data set, which split, what each label means.
final class SplitValue: HostObject {
    let split: Split
    let datasetName: String
    let role: String
    let classNames: [String]

    init(_ split: Split, datasetName: String, role: String, classNames: [String]) {
        self.split = split
        self.datasetName = datasetName
        self.role = role
        self.classNames = classNames
    }

    var typeName: String { "split" }
    var fieldNames: [String] { ["count", "shape", "name", "classes", "labels"] }

    func field(_ name: String) -> Value? {
        switch name {
        case "count": return .number(Double(split.count))
        case "shape": return .dimensions(split.sampleShape)
        case "name": return .string("\(datasetName) \(role)")
        case "classes": return .list(classNames.map(Value.string))
        case "labels": return .labels(split.labels)
        default: return nil
        }
    }

    var description: String { "split \(datasetName) \(role): \(split.count) samples of \(format(split.sampleShape))" }
}
