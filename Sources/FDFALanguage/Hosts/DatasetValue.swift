import FDFAData
import FDFAEngine

/// A data set returned by `load` or `dataset`: its two splits and what describes its samples.
final class DatasetValue: HostObject {
    let dataset: Dataset
    /// True for a data set of one's own (`dataset`), whose values are used as given, not normalised.
    let valuesAsGiven: Bool

    init(_ dataset: Dataset, valuesAsGiven: Bool = false) {
        self.dataset = dataset
        self.valuesAsGiven = valuesAsGiven
    }

    var typeName: String { "dataset" }
    var fieldNames: [String] { ["train", "test", "classes", "class_names", "shape", "name"] }

    var train: SplitValue { SplitValue(dataset.train, datasetName: dataset.name, role: "train", classNames: dataset.classNames) }
    var test: SplitValue { SplitValue(dataset.test, datasetName: dataset.name, role: "test", classNames: dataset.classNames) }

    func field(_ name: String) -> Value? {
        switch name {
        case "train": return .host(train)
        case "test": return .host(test)
        case "classes": return .number(Double(dataset.classCount))
        case "class_names": return .list(dataset.classNames.map(Value.string))
        case "shape": return .dimensions(dataset.sampleShape)
        case "name": return .string(dataset.name)
        default: return nil
        }
    }

    var description: String {
        "dataset \(dataset.name): \(dataset.train.count) train / \(dataset.test.count) test samples of \(format(dataset.sampleShape)), \(counted(dataset.classCount, "class", plural: "classes"))"
    }
}

extension DatasetValue: Informative {
    var information: String {
        let names = dataset.classNames.prefix(12).joined(separator: ", ") + (dataset.classCount > 12 ? ", …" : "")
        return [
            description,
            "  classes: \(names)",
            "  \(valuesAsGiven ? "values as given (not normalised)" : "pixels normalised to [-1, 1]"); fields: \(fieldNames.joined(separator: ", "))",
        ].joined(separator: "\n")
    }
}
