import Dispatch

/// Builds `Dataset`s from files under a data root (or from a seed, for synthetic data).
public enum DatasetLoader {
    /// Where data sets live unless told otherwise, as in the reference (`../data` there, `./data` here).
    public static let defaultRoot = "./data"

    /// Loads `name` from `root`; `synthetic` configures the synthetic data set and is ignored otherwise.
    /// Ctrl-C stops it between files and between chunks of a file (`DataError.interrupted`).
    public static func load(_ name: DatasetName, root: String = defaultRoot,
                            synthetic: SyntheticSpec = SyntheticSpec()) throws -> Dataset {
        let candidates = DatasetLayout.candidates(name)
        guard let primary = candidates.first else { return try synthetic.make() }
        let layout = candidates.first { $0.isPresent(root: root) } ?? primary
        let (files, paths) = try layout.contents(root: root, dataset: name)
        // Train and test decode concurrently: the train split dominates, but the test split then costs nothing.
        let fileLists = [layout.trainFiles, layout.testFiles]
        var results = [Result<Split, Error>?](repeating: nil, count: 2)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                slots[i] = Result { try split(name, layout.encoding, files: fileLists[i].map { (paths[$0]!, files[$0]!) }) }
            }
        }
        let train = try results[0]!.get(), test = try results[1]!.get()
        guard train.sampleShape == test.sampleShape else {
            throw DataError.malformed(file: paths[layout.testFiles[0]]!,
                                      reason: "samples are \(test.sampleShape) but the training samples are \(train.sampleShape)")
        }
        return Dataset(name: name.rawValue, classCount: name.classCount, classNames: name.classNames, train: train, test: test)
    }

    /// A file's name in messages and a way to read its bytes (from disk or from an archive in memory).
    typealias SourceFile = (path: String, bytes: () throws -> [UInt8])

    private static func split(_ name: DatasetName, _ encoding: DatasetLayout.Encoding, files: [SourceFile]) throws -> Split {
        switch encoding {
        case .idx: return try idxSplit(images: files[0], labels: files[1], classCount: name.classCount)
        case .cifarBinary, .cifarPickle:
            return try cifarSplit(files, format: name == .cifar100 ? .cifar100 : .cifar10, pickled: encoding == .cifarPickle)
        }
    }

    private static func idxSplit(images: SourceFile, labels: SourceFile, classCount: Int) throws -> Split {
        let imageFile = images.path, labelFile = labels.path
        let images = try IDX.images(images.bytes(), file: imageFile)
        try DataError.throwIfInterrupted()
        let labels = try IDX.labels(labels.bytes(), file: labelFile, classCount: classCount)
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
    private static func cifarSplit(_ files: [SourceFile], format: CIFARFormat, pickled: Bool) throws -> Split {
        var pixels: [UInt8] = [], labels: [Int32] = []
        for file in files {
            try DataError.throwIfInterrupted()
            if pickled {
                try format.decodePickle(file.bytes(), file: file.path, appendingTo: &pixels, labels: &labels)
            } else {
                try format.decode(file.bytes(), file: file.path, appendingTo: &pixels, labels: &labels)
            }
        }
        return Split(pixels: pixels[...], sampleShape: CIFARFormat.sampleShape, labels: labels)
    }
}
