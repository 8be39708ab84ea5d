import Dispatch

/// Builds `Dataset`s from files under a data root (or from a seed, for synthetic data).
public enum DatasetLoader {
    /// Where data sets live unless told otherwise, as in the reference (`../data` there, `./data` here).
    public static let defaultRoot = "./data"

    /// Loads `name` from `root`; `synthetic` configures the synthetic data set and is ignored otherwise.
    public static func load(_ name: DatasetName, root: String = defaultRoot,
                            synthetic: SyntheticSpec = SyntheticSpec()) throws -> Dataset {
        guard let layout = DatasetLayout.of(name) else { return synthetic.make() }
        let paths = try layout.locate(root: root, dataset: name)
        // Train and test decode concurrently: the train split dominates, but the test split then costs nothing.
        let fileLists = [layout.trainFiles, layout.testFiles]
        var results = [Result<Split, Error>?](repeating: nil, count: 2)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                slots[i] = Result { try split(name, files: fileLists[i].map { paths[$0]! }) }
            }
        }
        let train = try results[0]!.get(), test = try results[1]!.get()
        guard train.sampleShape == test.sampleShape else {
            throw DataError.malformed(file: paths[layout.testFiles[0]]!,
                                      reason: "samples are \(test.sampleShape) but the training samples are \(train.sampleShape)")
        }
        return Dataset(name: name.rawValue, classCount: name.classCount, classNames: name.classNames, train: train, test: test)
    }

    private static func split(_ name: DatasetName, files: [String]) throws -> Split {
        switch name {
        case .mnist, .fashionMNIST: return try idxSplit(images: files[0], labels: files[1], classCount: name.classCount)
        case .cifar10: return try cifarSplit(files, format: .cifar10)
        case .cifar100: return try cifarSplit(files, format: .cifar100)
        case .synthetic: preconditionFailure("synthetic data has no files")
        }
    }

    private static func idxSplit(images imageFile: String, labels labelFile: String, classCount: Int) throws -> Split {
        let images = try IDX.images(FileBytes.read(imageFile), file: imageFile)
        let labels = try IDX.labels(FileBytes.read(labelFile), file: labelFile, classCount: classCount)
        guard images.shape[0] == labels.count else {
            throw DataError.malformed(file: labelFile, reason: "\(labels.count) labels but \(imageFile) has \(images.shape[0]) images")
        }
        guard images.shape == [labels.count, 1, 28, 28] else {
            throw DataError.malformed(file: imageFile, reason: "images are \(images.shape[2])×\(images.shape[3]), expected 28×28")
        }
        return Split(pixels: images.pixels, sampleShape: [1, 28, 28], labels: labels)
    }

    /// Concatenates the records of several CIFAR files (the five training batches) into one split,
    /// reading one file at a time so that only one file's bytes are held beside the pixels.
    private static func cifarSplit(_ files: [String], format: CIFARFormat) throws -> Split {
        var pixels: [UInt8] = [], labels: [Int32] = []
        for file in files {
            try format.decode(FileBytes.readRaw(file), file: file, appendingTo: &pixels, labels: &labels)
        }
        return Split(pixels: pixels[...], sampleShape: CIFARFormat.sampleShape, labels: labels)
    }
}
