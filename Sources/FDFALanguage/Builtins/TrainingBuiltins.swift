import FDFAData
import FDFAEngine
import FDFATraining

extension BuiltinGroup {
    static let training = BuiltinGroup("Training", [
        Builtin("configure", [.required("net", .host("network")), .optional("rule", .string, default: .none),
                              .optional("lr", .number, default: .none), .optional("b_lr", .number, default: .none),
                              .optional("weight_decay", .number, default: .none), .optional("feedback_decay", .number, default: .none),
                              .optional("gamma", .number, default: .none), .optional("momentum", .any, default: .none)],
                summary: "Sets the learning rule and hyperparameters: configure net, rule=\"DFA\", lr=1e-3.",
                details: """
                    Rules: \(Rule.allCases.map(\.rawValue).joined(separator: ", ")); DFA, DKP, FDFA and FG-A inject their
                    signal at taps and refuse a network without any. Only the arguments given change (see net.config); defaults are
                    the reference's: lr 1e-4 (fgw_net's 1e-3, FG-W's as in fdfa train), b_lr 1e-4 (feedback matrices), weight_decay 0, feedback_decay 0, gamma 0.95
                    (learning-rate factor per epoch), momentum "adam" (FDFA's feedback update; a number β uses the
                    paper's moving average B ← βB + (1 − β) mean(d ⊗ u)).
                    Keeping the rule keeps the optimiser state and feedback matrices and resets the learning rate to lr.
                    Changing the rule keeps the trained parameters but starts new feedback matrices (DFA, FA: random;
                    DKP, FDFA: zeros) and new optimiser state; configure says so when it happens.
                    """) { args, session in
            let net = args.host("net", NetworkValue.self)
            let rule = try args.isNone("rule") ? net.trainer.rule : TrainingConfiguration.rule(try args.string("rule"))
            let hyperparameters = try TrainingConfiguration.hyperparameters(args, current: net.trainer.hyperparameters)
            let previous = net.trainer
            if try net.configure(rule: rule, hyperparameters: hyperparameters), previous.steps > 0 {
                session.write("rule \(previous.rule) → \(rule): the parameters keep their \(counted(previous.steps, "step")) of training; "
                              + "feedback matrices and optimiser state start afresh\n")
            }
            return .none
        },
        Builtin("step", [.required("net", .host("network")), .required("batch", .host("batch"))],
                summary: "One training step of the network's rule on a batch; returns the batch's loss before the step.",
                details: "A step whose loss or gradients are not finite is refused: the error says where, and nothing changes.") { args, _ in
            let net = args.host("net", NetworkValue.self), batch = args.host("batch", BatchValue.self)
            let images = try net.inputs(batch)
            return .number(Double(try diverging { try net.trainer.step(images: images, labels: batch.labels) }.loss))
        },
        Builtin("train", [.required("net", .host("network")), .required("data", .any), .optional("epochs", .integer, default: .number(1)),
                          .optional("batch", .integer, default: .number(64)), .optional("steps", .integer, default: .none),
                          .optional("quiet", .bool, default: .bool(false))],
                summary: "Trains on a data set's train split (or a split): train(net, data, epochs=1, batch=64, steps=none); returns the history.",
                details: """
                    Each epoch shuffles the split (from the network's data seed), takes a step per batch, then multiplies
                    the learning rate by gamma and tests on the test split. steps=n takes n steps instead of whole epochs:
                    an epoch it leaves unfinished is not counted and the learning rate not decayed until a later train of
                    the same data and batch size finishes it (a loop of short calls trains exactly as one long one).
                    One line per epoch reports the mean loss and the test result (quiet=true: none); a progress bar shows
                    on a terminal. Returns the history: h.losses (every step), h.test_loss and h.test_accuracy (every
                    finished epoch); plot(h.losses). Ctrl-C stops between two steps, keeping every completed step, and
                    h = train(...) interrupted still gives h the history of the steps taken.
                    A diverging step stops training with an error and is not applied.
                    """) { args, session in
            let net = args.host("net", NetworkValue.self)
            let epochs = try args.integer("epochs"), size = try args.integer("batch"), limit = try args.optionalInteger("steps")
            let quiet = try args["quiet"].isTruthy()
            guard epochs >= 1, size >= 1, (limit ?? 1) >= 1 else {
                throw LanguageError.runtime("'epochs', 'batch' and 'steps' must be at least 1")
            }
            let dataset = try fitted(try trainingSet(args), to: net)
            try checkRunFits(net, dataset, batch: size)
            guard case .host(let source) = args["data"] else { throw args.mismatch("data", expected: "a dataset or split") }
            let data = ObjectIdentifier(source)
            let run = net.openRun(data: data, batchSize: size)
                ?? TrainingRun(dataset: dataset, trainer: net.trainer, batchSize: size, dataSeed: net.nextDataSeed())
            var losses: [Double] = [], finished: [HistoryValue.Epoch] = []
            var stepsLeft = limit
            while limit == nil ? finished.count < epochs : stepsLeft! > 0 {
                let progress = quiet ? nil : session.progressBar()
                let summary = try diverging {
                    defer { progress?.clear() }
                    return try run.trainEpoch(continuing: true, openWhenStopped: true) { p in
                        losses.append(Double(p.loss))
                        progress?.update(done: p.index + 1, total: p.batchCount, samples: (p.index + 1) * size)
                        guard let left = stepsLeft else { return true }
                        stepsLeft = left - 1
                        return left > 1
                    }
                }
                let epoch = net.trainer.epochs + (summary.stoppedEarly ? 1 : 0)
                net.openEpoch = summary.stoppedEarly ? NetworkValue.OpenEpoch(run: run, data: data, batchSize: size) : nil
                if summary.interrupted {
                    session.write("interrupted in epoch \(epoch) after \(counted(summary.batches, "step")); the network keeps them (\(counted(net.trainer.steps, "step")) in all)"
                                  + ", and a name this call is assigned to gets their history\n")
                    throw LanguageError.interrupted(keeping: .host(HistoryValue(losses: losses, epochs: finished)))
                }
                let mean = "mean loss \(Display.number(summary.meanLoss)) over \(counted(summary.batches, "step"))"
                guard !summary.stoppedEarly else {
                    let left = run.trainLoader.batchesLeft
                    if !quiet { session.write("epoch \(epoch) (open, \(left) of \(run.trainLoader.batchCount) batches to go): \(mean)\n") }
                    continue
                }
                // A Ctrl-C during the test comes after the epoch's steps, which the network keeps.
                let test = try run.evaluate {
                    guard Interrupt.requested else { return }
                    session.write("interrupted in the test after epoch \(epoch), \(counted(summary.batches, "step")); the network keeps them (\(counted(net.trainer.steps, "step")) in all)"
                                  + ", and a name this call is assigned to gets their history\n")
                    throw LanguageError.interrupted(keeping: .host(HistoryValue(losses: losses, epochs: finished)))
                }
                finished.append(.init(number: epoch, meanLoss: summary.meanLoss, testLoss: test.loss, testAccuracy: test.accuracy))
                if !quiet {
                    session.write("epoch \(epoch): \(mean); test loss \(Display.shortNumber(test.loss)), accuracy \(Display.shortNumber(test.accuracy)) %\n")
                }
            }
            return .host(HistoryValue(losses: losses, epochs: finished))
        },
        Builtin("eval", [.required("net", .host("network")), .required("data", .any), .optional("batch", .integer, default: .number(1000)),
                         .optional("per_class", .bool, default: .bool(false))],
                summary: "Loss and accuracy (%) in evaluation mode on a data set's test split, a split or a batch.",
                details: """
                    per_class=true adds per_class (the accuracy % of each class; nan for a class without samples) and
                    confusion (classes × classes: row = true class, column = predicted class, counts).
                    """) { args, _ in
            let net = args.host("net", NetworkValue.self)
            let size = try args.integer("batch")
            guard size >= 1 else { throw LanguageError.runtime("'batch' must be at least 1, got \(size)") }
            let loss: Double, correct: Int, count: Int
            switch try args.samples("data", datasetRole: \.test) {
            case .batch(let batch):
                let r = net.trainer.evaluate(images: try net.inputs(batch), labels: batch.labels)
                (loss, correct, count) = (Double(r.loss), r.correct, r.batch)
            case .split(let split):
                let data = try fitted(dataset(of: split), to: net)
                try checkRunFits(net, data, batch: size)
                let r = try TrainingRun(dataset: data, trainer: net.trainer, batchSize: size, dataSeed: 0)
                    .evaluate(cancellation: LanguageError.throwIfInterrupted)
                (loss, correct, count) = (r.loss, r.correct, r.count)
            }
            var record = Record([("loss", .number(loss)), ("accuracy", .number(count > 0 ? 100 * Double(correct) / Double(count) : 0)),
                                 ("count", .number(Double(count)))])
            if try args["per_class"].isTruthy() {
                let (images, labels): (Tensor, [Int32])
                switch try args.samples("data", datasetRole: \.test) {
                case .batch(let batch): (images, labels) = (try net.inputs(batch), batch.labels)
                case .split(let split):
                    let fitted = try fitted(dataset(of: split), to: net).test
                    try net.checkPassFits(samples: fitted.count)
                    (images, labels) = (fitted.samples(Array(0 ..< fitted.count)), fitted.labels)
                }
                let (perClass, confusion) = BuiltinGroup.perClass(net, images, labels)
                record["per_class"] = .tensor(perClass)
                record["confusion"] = .tensor(confusion)
            }
            return .record(record)
        },
        Builtin("loss", [.required("net", .host("network")), .required("batch", .host("batch"))],
                summary: "The batch-mean cross-entropy at the current parameters, BatchNorm on batch statistics (as grad and jvp see it).",
                details: "Nothing changes: BatchNorm's running estimates stay put. Finite differences of loss check jvp.") { args, _ in
            let net = args.host("net", NetworkValue.self), batch = args.host("batch", BatchValue.self)
            let images = try net.inputs(batch)
            let logits = net.network.forward(images, mode: .training(updateStatistics: false))
            var crossEntropy = SoftmaxCrossEntropy()
            return .number(Double(crossEntropy.evaluate(logits: logits, labels: batch.labels).loss))
        },
    ])

    /// The data set `train` reads: a data set as it is, a split as a data set of that split alone.
    private static func trainingSet(_ args: Arguments) throws -> Dataset {
        switch args["data"] {
        case .host(let data as DatasetValue): return data.dataset
        case .host(is BatchValue): throw args.mismatch("data", expected: "a dataset or split (use step for one batch)")
        default: return dataset(of: try args.split("data", datasetRole: \.train))
        }
    }

    /// A split on its own, as a data set whose train and test are both that split.
    private static func dataset(of split: SplitValue) -> Dataset {
        Dataset(name: split.datasetName, classCount: split.classNames.count, classNames: split.classNames,
                train: split.split, test: split.split)
    }

    /// The data set with its samples viewed in the network's input shape (a flat 784 network reads
    /// 1×28×28 images; no copy), after checking that samples and classes fit.
    /// Checks that the training batches (at most the train split) and the test passes (as many
    /// batches as `TrainingRun` groups, at most the test split) of a run on `dataset` fit in memory.
    private static func checkRunFits(_ net: NetworkValue, _ dataset: Dataset, batch: Int) throws {
        let perPass = TrainingRun.evaluationBatches(for: net.network, batchSize: batch)
        let testBatch = batch.multipliedReportingOverflow(by: perPass)
        try net.checkPassFits(samples: max(min(batch, dataset.train.count),
                                           min(testBatch.overflow ? .max : testBatch.partialValue, dataset.test.count)))
    }

    private static func fitted(_ dataset: Dataset, to net: NetworkValue) throws -> Dataset {
        let input = net.network.inputShape
        guard dataset.sampleShape.elementCount == input.elementCount else {
            throw LanguageError.runtime("samples of \(format(dataset.sampleShape)) do not fit the network's input \(format(input))")
        }
        guard dataset.classCount <= net.network.classes else {
            throw LanguageError.runtime("the data has \(dataset.classCount) classes; the network has \(net.network.classes)")
        }
        return Dataset(name: dataset.name, classCount: dataset.classCount, classNames: dataset.classNames,
                       train: dataset.train.viewed(as: input), test: dataset.test.viewed(as: input))
    }

    /// Runs a training step or epoch, turning a divergence into an error message (nothing was applied).
    private static func diverging<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DivergenceError { throw LanguageError.runtime("\(error)") }
        catch let error as RuleError { throw LanguageError.runtime("\(error)") }
    }
}
