import ArgumentParser
import FDFAData

/// `--dataset` and `fdfa download`'s argument: any spelling `DatasetName(parsing:)` accepts
/// ("FashionMNIST", "fashion-mnist", "cifar_10"); help lists the names themselves.
extension DatasetName: ExpressibleByArgument {
    public init?(argument: String) {
        guard let name = try? DatasetName(parsing: argument) else { return nil }
        self = name
    }
}
