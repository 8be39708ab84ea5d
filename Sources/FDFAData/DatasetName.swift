/// The data sets fdfa knows by name, with what is fixed about each of them.
public enum DatasetName: String, CaseIterable, Sendable {
    case mnist = "MNIST"
    case fashionMNIST = "FashionMNIST"
    case cifar10 = "CIFAR10"
    case cifar100 = "CIFAR100"
    /// Generated from a seed (see `SyntheticSpec`); needs no files.
    case synthetic = "synthetic"

    /// Parses a user's spelling: case-insensitive, ignoring '-', '_' and spaces
    /// ("fashion-mnist", "FashionMNIST", "cifar_10", "Synthetic").
    public init(parsing text: String) throws {
        let key = text.lowercased().filter { !"-_ ".contains($0) }
        let aliases: [String: DatasetName] = ["fashion": .fashionMNIST]
        guard let name = DatasetName.allCases.first(where: { $0.rawValue.lowercased() == key }) ?? aliases[key] else {
            throw DataError.unknownDataset(name: text, known: DatasetName.allCases.map(\.rawValue))
        }
        self = name
    }

    /// The command-line spelling used in hints, e.g. "fashion-mnist".
    public var commandName: String {
        switch self {
        case .mnist: return "mnist"
        case .fashionMNIST: return "fashion-mnist"
        case .cifar10: return "cifar10"
        case .cifar100: return "cifar100"
        case .synthetic: return "synthetic"
        }
    }

    public var classCount: Int { self == .cifar100 ? 100 : 10 }

    public var classNames: [String]? {
        switch self {
        case .mnist: return (0 ..< 10).map(String.init)
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        case .cifar10:
            return ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        case .cifar100:
            return """
            apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel \
            can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur \
            dolphin elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion \
            lizard lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree \
            pear pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea \
            seal shark shrew skunk skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table \
            tank telephone television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm
            """.split(separator: " ").map(String.init)
        case .synthetic: return nil
        }
    }
}
