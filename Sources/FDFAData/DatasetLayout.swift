/// Where a file-backed data set lives under a data root (PyTorch's layouts) and which files make it up.
struct DatasetLayout {
    /// Directory under the root, e.g. "FashionMNIST/raw".
    let directory: String
    let trainFiles: [String]
    let testFiles: [String]
    /// IDX files may be stored raw or gzip'd ("name" or "name.gz"); CIFAR files are raw only.
    let acceptsGzip: Bool
    /// System-wide copies used only when the root holds none of the files (Debian's package).
    let fallbackDirectories: [String]
    /// How the files are laid out inside.
    var encoding: Encoding = .idx
    /// An archive under the root that holds `directory` (torchvision's download), read in memory
    /// when the directory is absent.
    var archive: String? = nil

    enum Encoding { case idx, cifarBinary, cifarPickle }

    static func of(_ name: DatasetName) -> DatasetLayout? {
        switch name {
        case .mnist: return idx("MNIST/raw", fallbacks: [])
        case .fashionMNIST: return idx("FashionMNIST/raw", fallbacks: ["/usr/share/datasets/fashion-mnist"])
        case .cifar10:
            return DatasetLayout(directory: "cifar-10-batches-bin", trainFiles: (1 ... 5).map { "data_batch_\($0).bin" },
                                 testFiles: ["test_batch.bin"], acceptsGzip: false, fallbackDirectories: [], encoding: .cifarBinary)
        case .cifar100:
            return DatasetLayout(directory: "cifar-100-binary", trainFiles: ["train.bin"], testFiles: ["test.bin"],
                                 acceptsGzip: false, fallbackDirectories: [], encoding: .cifarBinary)
        case .synthetic: return nil
        }
    }

    /// Every layout a data set may be found in, in the order they are tried: fdfa's (the binary
    /// CIFAR distributions), then torchvision's Python pickles, unpacked or still in their `.tar.gz`.
    static func candidates(_ name: DatasetName) -> [DatasetLayout] {
        guard let primary = of(name) else { return [] }
        switch name {
        case .cifar10:
            return [primary, DatasetLayout(directory: "cifar-10-batches-py", trainFiles: (1 ... 5).map { "data_batch_\($0)" },
                                           testFiles: ["test_batch"], acceptsGzip: false, fallbackDirectories: [],
                                           encoding: .cifarPickle, archive: "cifar-10-python.tar.gz")]
        case .cifar100:
            return [primary, DatasetLayout(directory: "cifar-100-python", trainFiles: ["train"], testFiles: ["test"],
                                           acceptsGzip: false, fallbackDirectories: [], encoding: .cifarPickle,
                                           archive: "cifar-100-python.tar.gz")]
        case .mnist, .fashionMNIST, .synthetic:
            return [primary]
        }
    }

    /// Whether any of its files (or its archive) is under `root`.
    func isPresent(root: String) -> Bool {
        files.contains { find($0, in: join(root, directory)) != nil } || archive.map { FileBytes.exists(join(root, $0)) } ?? false
    }

    /// Each file's bytes, from the directory under `root` or else from the archive; throws like `locate`.
    func contents(root: String, dataset: DatasetName) throws -> (files: [String: () throws -> [UInt8]], names: [String: String]) {
        let directoryPresent = files.contains { find($0, in: join(root, directory)) != nil }
        if !directoryPresent, let archive, FileBytes.exists(join(root, archive)) {
            let path = join(root, archive)
            let members = try Tar.entries(FileBytes.read(path), file: path)
            var found: [String: () throws -> [UInt8]] = [:], names: [String: String] = [:]
            for file in files {
                guard let member = members.last(where: { $0.path == directory + "/" + file || $0.path == "./" + directory + "/" + file }) else {
                    throw DataError.malformed(file: path, reason: "the archive has no \(directory)/\(file)")
                }
                found[file] = { Swift.Array(member.contents) }
                names[file] = path + ":" + directory + "/" + file
            }
            return (found, names)
        }
        let paths = try locate(root: root, dataset: dataset)
        return (paths.mapValues { path in { try acceptsGzip ? FileBytes.read(path) : FileBytes.readRaw(path) } }, paths)
    }

    private static func idx(_ directory: String, fallbacks: [String]) -> DatasetLayout {
        DatasetLayout(directory: directory,
                      trainFiles: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
                      testFiles: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
                      acceptsGzip: true, fallbackDirectories: fallbacks)
    }

    var files: [String] { trainFiles + testFiles }

    /// The path of every file, from the first directory that holds any of them: the root's own
    /// directory first, a fallback only when the root has none, so that a present-but-bad file is
    /// reported rather than silently replaced by another copy.
    func locate(root: String, dataset: DatasetName) throws -> [String: String] {
        let candidates = [join(root, directory)] + fallbackDirectories
        for dir in candidates {
            let found = files.reduce(into: [String: String]()) { found, file in found[file] = find(file, in: dir) }
            guard !found.isEmpty else { continue }
            let missing = files.filter { found[$0] == nil }
            guard missing.isEmpty else {
                throw DataError.missing(dataset: dataset.rawValue, files: missing.map(display), searched: [dir], hint: hint(dataset))
            }
            return found
        }
        throw DataError.missing(dataset: dataset.rawValue, files: files.map(display), searched: candidates, hint: hint(dataset))
    }

    private func find(_ file: String, in dir: String) -> String? {
        let names = acceptsGzip ? [file, file + ".gz"] : [file]
        return names.map { join(dir, $0) }.first(where: FileBytes.exists)
    }

    private func display(_ file: String) -> String { acceptsGzip ? file + "[.gz]" : file }

    private func hint(_ dataset: DatasetName) -> String {
        "Get it with `fdfa download \(dataset.commandName)` (needs internet), or copy the files there."
    }
}

func join(_ dir: String, _ name: String) -> String { dir.hasSuffix("/") ? dir + name : dir + "/" + name }
