import FDFAData
import FDFAEngine

extension BuiltinGroup {
    static let data = BuiltinGroup("Data", [
        Builtin("load", [.required("name", .string), .optional("data_dir", .string, default: .string(DatasetLoader.defaultRoot)),
                         .optional("shape", .dimensions, default: .none), .optional("classes", .integer, default: .none),
                         .optional("train", .integer, default: .none), .optional("test", .integer, default: .none),
                         .optional("seed", .integer, default: .none)],
                summary: "Loads a data set: \"mnist\", \"fashion-mnist\", \"cifar10\", \"cifar100\" or \"synthetic\".",
                details: """
                    Files are looked for under data_dir in PyTorch's layout (data_dir/FashionMNIST/raw/…); Fashion-MNIST
                    also at /usr/share/datasets/fashion-mnist. A data set is read once per session and shared.
                    "synthetic" needs no files: samples uniform in [-1, 1), labelled by a fixed random linear map,
                    shaped by shape (default [1, 28, 28]), classes (10), train (2000) and test (500) sample counts
                    and seed (0). Example: data = load("synthetic", shape=[16], classes=4, train=512, test=256)
                    """) { args, _ in
            let name: DatasetName
            do { name = try DatasetName(parsing: try args.string("name")) } catch { throw LanguageError.runtime("\(error)") }
            let options = ["shape", "classes", "train", "test", "seed"]
            if name != .synthetic, let given = options.first(where: { !args.isNone($0) }) {
                throw LanguageError.runtime("'\(given)' only shapes synthetic data; \(name.rawValue) is read from files")
            }
            let spec = try syntheticSpec(args)
            do {
                return .host(DatasetValue(try DatasetCache.shared.dataset(name, root: try args.string("data_dir"), synthetic: spec)))
            } catch DataError.interrupted {
                throw LanguageError.interrupted
            } catch let error as DataError {
                throw LanguageError.runtime("\(error)")
            }
        },
        Builtin("batch", [.required("data", .any), .optional("size", .integer, default: .number(64)),
                          .optional("index", .integer, default: .number(0)), .optional("shuffle", .bool, default: .bool(false)),
                          .optional("seed", .integer, default: .none)],
                summary: "A batch of samples from a split (a data set means its train split): batch(data.test, 64, index=2).",
                details: """
                    In order, batch number index holds samples index*size up to (index+1)*size (the last may be short).
                    With shuffle=true it holds size samples drawn without replacement, from seed or the session's
                    generator. The images are a copy: the batch stays valid while others are taken.
                    """) { args, session in
            let split = try args.split("data", datasetRole: \.train)
            let size = try args.integer("size"), index = try args.integer("index")
            guard size > 0 else { throw LanguageError.runtime("'size' must be at least 1, got \(size)") }
            let count = split.split.count
            let indices: [Int]
            if try args["shuffle"].isTruthy() {
                var random = Random(seed: try args.seed("seed", session))
                indices = Array(random.permutation(count).prefix(size))
            } else {
                let batches = (count + size - 1) / size
                guard (0 ..< batches).contains(index) else {
                    throw LanguageError.runtime("'index' \(index) is out of range: \(split.datasetName) \(split.role) has batches 0 to \(batches - 1) of \(size)")
                }
                indices = Array(index * size ..< min(count, (index + 1) * size))
            }
            return .host(gather(split, indices, origin: try args["shuffle"].isTruthy() ? "shuffled" : "batch \(index)"))
        },
        Builtin("info", [.required("x", .any)],
                summary: "Describes a data set, split, batch, network or layer: shapes, classes, layers, parameter counts.") { args, session in
            guard case .host(let object) = args["x"] else { throw args.mismatch("x", expected: "a dataset, split, batch or network") }
            session.inform(about: object)
            return .none
        },
        Builtin("show", [.required("data", .any), .optional("i", .integer, default: .number(0))],
                summary: "Draws sample i of a split or batch as text (in Jupyter also as an image), with its label and class name.") { args, session in
            let i = try args.integer("i")
            let samples = try args.samples("data", datasetRole: \.train)
            let (labels, names): ([Int32], [String])
            switch samples {
            case .split(let s): (labels, names) = (s.split.labels, s.classNames)
            case .batch(let b): (labels, names) = (b.labels, b.classNames)
            }
            guard labels.indices.contains(i) else {
                throw LanguageError.runtime("'i' \(i) is out of range: there are samples 0 to \(labels.count - 1)")
            }
            // A batch holds floats; a split stores its samples compactly, so the one sample is copied out.
            let (images, row): (Tensor, Int) = switch samples {
            case .split(let s): (s.split.samples([i]), 0)
            case .batch(let b): (b.images, i)
            }
            let pixels = images.data + row * images.valuesPerSample, shape = Array(images.shape.dropFirst())
            let label = Int(labels[i])
            let caption = "sample \(i): label \(label) (\(names.indices.contains(label) ? names[label] : "?"))"
            var data = [CellOutput.plainText: "\(try ImageText.render(pixels, shape: shape))\n\(caption)\n"]
            if session.showsFigures { data[CellOutput.svg] = try ImageSVG.render(pixels, shape: shape, caption: caption) }
            session.display(data)
            return .none
        },
    ])

    private static func syntheticSpec(_ args: Arguments) throws -> SyntheticSpec {
        var spec = SyntheticSpec()
        if !args.isNone("shape") {
            spec.sampleShape = try args.dimensions("shape")
            guard !spec.sampleShape.isEmpty, spec.sampleShape.allSatisfy({ $0 > 0 }) else {
                throw LanguageError.runtime("'shape' must be positive dimensions, got \(spec.sampleShape)")
            }
        }
        if let classes = try args.optionalInteger("classes") {
            guard classes >= 2 else { throw LanguageError.runtime("'classes' must be at least 2, got \(classes)") }
            spec.classCount = classes
        }
        for (name, keyPath) in [("train", \SyntheticSpec.trainCount), ("test", \SyntheticSpec.testCount)] {
            guard let n = try args.optionalInteger(name) else { continue }
            guard n >= 1 else { throw LanguageError.runtime("'\(name)' must be at least 1 sample, got \(n)") }
            spec[keyPath: keyPath] = n
        }
        if let seed = try args.optionalInteger("seed") {
            guard seed >= 0 else { throw LanguageError.runtime("'seed' must be 0 or more, got \(seed)") }
            spec.seed = UInt64(seed)
        }
        // The samples of both splits, their class scores and the labelling projection, all float32.
        let features = spec.sampleShape.reduce(1.0) { $0 * Double($1) }
        let samples = Double(spec.trainCount + spec.testCount), classes = Double(spec.classCount)
        try MemoryBudget.check(floats: samples * (features + classes) + classes * features,
                               "synthetic data of shape \(spec.sampleShape) (\(spec.trainCount) + \(spec.testCount) samples)")
        return spec
    }

    /// A batch holding copies of the split's samples at `indices`.
    private static func gather(_ split: SplitValue, _ indices: [Int], origin: String) -> BatchValue {
        BatchValue(images: split.split.samples(indices), labels: indices.map { split.split.labels[$0] },
                   classNames: split.classNames, origin: "\(split.datasetName) \(split.role), \(origin)")
    }
}
