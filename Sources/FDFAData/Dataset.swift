/// A data set held in memory, as the reference's torchvision data sets give it after ToTensor and
/// Normalize: what training, evaluation and analysis read from. Immutable once built, so one copy is
/// shared by every run of a session (see `DatasetCache`).
public struct Dataset {
    /// Display name, e.g. "FashionMNIST".
    public let name: String
    /// Per-sample shape, e.g. [1, 28, 28] or [3, 32, 32].
    public let sampleShape: [Int]
    public let classCount: Int
    /// Human-readable class names (index = label).
    public let classNames: [String]
    public let train: Split
    public let test: Split

    public init(name: String, classCount: Int, classNames: [String]? = nil, train: Split, test: Split) {
        precondition(train.sampleShape == test.sampleShape, "train \(train.sampleShape) vs test \(test.sampleShape)")
        self.name = name
        self.sampleShape = train.sampleShape
        self.classCount = classCount
        self.classNames = classNames ?? (0 ..< classCount).map { "class \($0)" }
        self.train = train
        self.test = test
    }
}
