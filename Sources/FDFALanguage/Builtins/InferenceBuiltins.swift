import FDFAData
import FDFAEngine

/// A network's outputs on your own inputs: logits, predictions, the activations after any layer,
/// per-class results, and data sets made from your own arrays.
extension BuiltinGroup {
    static let inference = BuiltinGroup("Inference", [
        Builtin("forward", [.required("net", .host("network")), .required("x", .any),
                            .optional("mode", .string, default: .string("eval")), .optional("layer", .any, default: .none)],
                summary: "The network's output on a batch, split or tensor of samples: the logits, or the activations after layer `layer`.",
                details: """
                    x: a batch, a split (a data set: its test split), or a tensor of samples (N × the input shape, or one sample). mode "eval" uses BatchNorm's running
                    statistics; "train" the batch's own, as a training step sees them (the running statistics are not moved).
                    layer: 1 to net.layers (as net.layer(i)); by default the last, the logits. Nothing is trained.
                    """) { args, _ in
            let net = args.host("net", NetworkValue.self)
            let mode: Mode
            switch try args.string("mode") {
            case "eval": mode = .evaluation
            case "train": mode = .training(updateStatistics: false)
            case let other: throw LanguageError.runtime("mode must be \"eval\" or \"train\", got \"\(other)\"")
            }
            let layers = net.network.layers.count
            let last = args.isNone("layer") ? layers : try args.integer("layer")
            guard (1 ... layers).contains(last) else { throw LanguageError.runtime("'layer' must be in 1..\(layers), got \(last)") }
            return .tensor(try activations(net, samples(args, net), through: last, mode: mode))
        },
        Builtin("predict", [.required("net", .host("network")), .required("x", .any)],
                summary: "The predicted class of each sample (the logits' argmax in evaluation mode), as a tensor of indices.") { args, _ in
            let net = args.host("net", NetworkValue.self)
            let predicted = predictions(net, try samples(args, net))
            return .tensor(Tensor(shape: [predicted.count], values: predicted.map(Float.init)))
        },
        Builtin("dataset", [.required("images", .any), .required("labels", .any),
                            .optional("test_images", .any, default: .none), .optional("test_labels", .any, default: .none),
                            .optional("classes", .integer, default: .none), .optional("name", .string, default: .string("custom"))],
                summary: "A data set from your own arrays: tensors, lists or .npy paths of N × sample-shape images and N labels.",
                details: """
                    Labels are class indices 0..<classes (classes: by default the largest label + 1). Without test_images and
                    test_labels the test split is the training split. Images are used as given (not normalised).
                    """) { args, _ in
            let images = try array(args, "images"), labels = try array(args, "labels")
            guard args.isNone("test_images") == args.isNone("test_labels") else {
                let (given, missing) = args.isNone("test_labels") ? ("test_images", "test_labels") : ("test_labels", "test_images")
                throw LanguageError.runtime("'\(given)' needs '\(missing)' too (without both, the test split is the training split)")
            }
            let testImages = args.isNone("test_images") ? images : try array(args, "test_images")
            let testLabels = args.isNone("test_labels") ? labels : try array(args, "test_labels")
            let all = labels.array + testLabels.array
            guard let top = all.max(), all.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < Float(maximumClasses) }) else {
                throw LanguageError.runtime("labels must be class indices 0, 1, 2, … (whole numbers from 0 below \(maximumClasses))")
            }
            let classes = args.isNone("classes") ? Int(top) + 1 : try args.integer("classes")
            guard (1 ... maximumClasses).contains(classes) else {
                throw LanguageError.runtime("'classes' must be between 1 and \(maximumClasses), got \(classes)")
            }
            guard Int(top) < classes else { throw LanguageError.runtime("label \(Int(top)) but only \(classes) classes") }
            let train = try split(images, labels, "images"), test = try split(testImages, testLabels, "test_images")
            guard train.sampleShape == test.sampleShape else {
                throw LanguageError.runtime("test samples are \(format(test.sampleShape)), training samples \(format(train.sampleShape))")
            }
            return .host(DatasetValue(Dataset(name: try args.string("name"), classCount: classes,
                                              classNames: (0 ..< classes).map(String.init), train: train, test: test),
                                      valuesAsGiven: true))
        },
    ])

    /// The most classes a data set of one's own may have: each class gets a name, and a label
    /// beyond any sensible count (1e9, inf) is a typo to report, not a table to allocate.
    static let maximumClasses = 1 << 20

    /// `x` as the network's input: a batch's images, every sample of a split (of a data set: its test
    /// split), or a tensor of samples (one sample alone becomes a batch of one).
    private static func samples(_ args: Arguments, _ net: NetworkValue) throws -> Tensor {
        let input = net.network.inputShape, size = input.elementCount
        let t: Tensor
        switch args["x"] {
        case .host(let batch as BatchValue): return try net.inputs(batch)
        case .host:
            guard case .split(let split) = try args.samples("x", datasetRole: \.test) else { preconditionFailure("batches are handled above") }
            t = split.split.samples(Array(0 ..< split.split.count))
        default:
            t = try args.tensor("x")
        }
        let count = t.count / max(size, 1)
        guard t.count == count * size, count > 0, t.shape == input || t.shape.dropFirst().elementCount == size else {
            throw LanguageError.runtime("x of shape \(format(t.shape)) is not samples of the network's input \(format(input))")
        }
        return t.viewed(as: [count] + input)
    }

    /// The output of layers 1...`last` (a copy: the layers reuse their buffers).
    static func activations(_ net: NetworkValue, _ x: Tensor, through last: Int, mode: Mode) throws -> Tensor {
        var h = x
        for layer in net.network.layers.prefix(last) { h = layer.forward(h, mode: mode) }
        return h.copy()
    }

    /// The argmax of the evaluation-mode logits of every sample, in passes of up to 1000 samples.
    static func predictions(_ net: NetworkValue, _ x: Tensor) -> [Int] {
        let n = x.batch, per = x.count / max(n, 1), classes = net.network.classes
        var out: [Int] = []
        out.reserveCapacity(n)
        for start in stride(from: 0, to: n, by: 1000) {
            let m = min(1000, n - start)
            let chunk = Tensor(shape: [m] + Array(x.shape.dropFirst()), values: Array(UnsafeBufferPointer(start: x.data + start * per, count: m * per)))
            let logits = net.network.forward(chunk, mode: .evaluation)
            for i in 0 ..< m {
                let row = UnsafeBufferPointer(start: logits.data + i * classes, count: classes)
                out.append(row.indices.max { row[$0] < row[$1] }!)
            }
        }
        return out
    }

    /// The accuracy (%) of each class (nan for a class without samples) and the confusion matrix
    /// (row = true class, column = predicted class) of the network's evaluation-mode predictions.
    static func perClass(_ net: NetworkValue, _ images: Tensor, _ labels: [Int32]) -> (perClass: Tensor, confusion: Tensor) {
        let classes = net.network.classes
        let confusion = Tensor(zeros: [classes, classes])
        for (label, predicted) in zip(labels, predictions(net, images)) { confusion.data[Int(label) * classes + predicted] += 1 }
        let perClass = Tensor(zeros: [classes])
        for c in 0 ..< classes {
            let row = UnsafeBufferPointer(start: confusion.data + c * classes, count: classes)
            let total = row.reduce(0, +)
            perClass.data[c] = total > 0 ? 100 * row[c] / total : .nan
        }
        return (perClass, confusion)
    }

    /// A tensor argument, or the .npy file a string names.
    private static func array(_ args: Arguments, _ name: String) throws -> Tensor {
        if case .string(let path) = args[name] { return try Npy.read(path) }
        return try args.tensor(name)
    }

    private static func split(_ images: Tensor, _ labels: Tensor, _ name: String) throws -> Split {
        guard images.shape.count >= 2, images.batch == labels.count else {
            throw LanguageError.runtime("\(name) of shape \(format(images.shape)) is not one sample per label (\(labels.count) labels)")
        }
        return Split(images: images.copy(), labels: labels.array.map { Int32($0) })
    }
}
