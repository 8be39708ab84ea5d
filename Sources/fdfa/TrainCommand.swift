import ArgumentParser
import FDFAAnalysis
import FDFAData
import FDFAEngine
import FDFATraining
import Foundation

/// `fdfa train`: the PyTorch original's command line, console lines and CSV log (docs/reference.md#command-line-and-logs), plus
/// the rules beyond it, checkpoints and resume. Flags keep the original's names and defaults.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network as the reference main.py does (same flags, console lines and CSV log).",
        discussion: """
        Examples:
          fdfa train --dataset FashionMNIST --train-mode FDFA --epochs 1 --seed 0
          fdfa train --dataset MNIST --conv --train-mode DKP --feedback-decay 1e-6
          fdfa train --dataset FashionMNIST --train-mode FG-W
          fdfa train --epochs 5 --checkpoint runs/a
          fdfa train --epochs 9 --checkpoint runs/a \\
                     --resume runs/a/checkpoint.safetensors
        """)

    // MARK: The reference's flags

    // Numbers are parsed `.unconditional`ly so that a negative one reads as argparse reads it
    // (`--seed -1`, `--lr -1` refused by its range check) and not as an unknown flag.

    @Option(parsing: .unconditional, help: "Input batch size for training (and testing, as in the reference).")
    var batchSize = 64
    @Option(parsing: .unconditional, help: "Accepted for compatibility; the reference defines it but tests with --batch-size.")
    var testBatchSize = 1000
    @Option(parsing: .unconditional, help: "Number of epochs to train.")
    var epochs = 100
    @Option(parsing: .unconditional, help: "Learning rate of the forward parameters (default: the rule's, 1e-4; 1e-3 for FG-W).")
    var lr: Double?
    @Option(name: .customLong("b-lr"), parsing: .unconditional, help: "Learning rate of the feedback matrices (DKP, FDFA).")
    var bLR = Hyperparameters.Reference.feedbackLearningRate
    @Option(parsing: .unconditional, help: "Learning-rate step gamma, applied after every epoch.")
    var gamma = Hyperparameters.Reference.gamma
    @Option(parsing: .unconditional, help: "L2 weight decay of the forward parameters.")
    var weightDecay = Hyperparameters.Reference.weightDecay
    @Option(parsing: .unconditional, help: "L2 weight decay of the feedback matrices (1e-6 recommended for DKP).")
    var feedbackDecay = Hyperparameters.Reference.feedbackDecay
    @Flag(help: "Accepted for compatibility; fdfa always runs on the CPU.")
    var noCuda = false
    @Flag(help: "One batch per epoch, to check a set-up quickly.")
    var dryRun = false
    @Option(parsing: .unconditional, help: "Batches between console lines.")
    var logInterval = 100
    @Option(help: "Learning rule (FDFA-EMA: FDFA with the moving-average feedback update).")
    var trainMode = TrainMode(Rule.referenceDefault)
    @Option(help: "Directory of the CSV logs ({log-dir}/{MODE}/{yymmdd_HHMMSS}.csv).")
    var logDir = "results/"
    @Option(help: "The dataset (CIFAR100 trains AlexNet; synthetic needs no files).")
    var dataset = DatasetName.mnist
    @Flag(help: "Train the shallow CNN instead of the fully connected network.")
    var conv = false
    @Option(parsing: .unconditional, help: "Hidden layers of the fully connected network (default: the rule's, 2; 1 for FG-W).")
    var nLayers: Int?
    @Option(parsing: .unconditional, help: "Random seed; negative for an unseeded run.")
    var seed = -1

    // MARK: Beyond the reference

    @Option(help: "Root of the datasets (PyTorch's layouts; Fashion-MNIST falls back to Debian's copy).")
    var dataDir = DatasetLoader.defaultRoot
    @OptionGroup var threadOptions: ThreadOptions
    @Option(parsing: .unconditional, help: "FDFA-EMA's momentum β in B ← βB + (1−β) mean(d ⊗ u).")
    var feedbackMomentum: Float = 0.99
    @Option(help: "Write the full training state to DIR/checkpoint.safetensors after every epoch.")
    var checkpoint: String?
    @Option(help: "Continue the run saved in this checkpoint (same flags as the run that wrote it, but --epochs; other flags are refused).")
    var resume: String?
    @Option(name: .customLong("init"),
            help: "Start from these weights: a PyTorch state_dict saved as safetensors (the original's names), an export or a checkpoint.")
    var initialWeights: String?
    @Option(help: "Quantities to track beside the log, comma separated: cos (δ and gradient cosines), align (cos(B, J)), var (estimator variance).",
            transform: TrackGroups.init(parsing:))
    var track: TrackGroups?
    @Option(parsing: .unconditional, help: "Steps between tracked measurements (on a fixed probe batch of the first 32 test samples).")
    var trackEvery = 100
    @Flag(help: "At the end, print where the time went (loading, evaluations, steps, batches) to standard error.")
    var timing = false

    func validate() throws {
        try Limits.check(batchSize, in: 1 ... 65536, "--batch-size")
        try Limits.check(testBatchSize, in: 1 ... 65536, "--test-batch-size")
        try Limits.check(epochs, in: 0 ... 10000, "--epochs")
        try Limits.check(logInterval, in: 1 ... Int(Int32.max), "--log-interval")
        if let nLayers { try Limits.check(nLayers, in: 1 ... 100, "--n-layers") }
        for (value, name) in [(lr ?? 0, "--lr"), (bLR, "--b-lr"), (gamma, "--gamma"), (weightDecay, "--weight-decay"),
                              (feedbackDecay, "--feedback-decay")] {
            guard value.isFinite, value >= 0 else { throw ValidationError("\(name) must be a finite number at least 0, got \(value)") }
        }
        guard feedbackMomentum >= 0, feedbackMomentum < 1 else { throw ValidationError("--feedback-momentum must be in [0, 1)") }
        try Limits.check(trackEvery, in: 1 ... Int(Int32.max), "--track-every")
        if initialWeights != nil && resume != nil { throw ValidationError("--init and --resume exclude each other: a checkpoint holds its weights") }
    }

    var rule: Rule { trainMode.rule }
    /// --lr, or the rule's default. The flags are parsed as doubles, as Python parses them, so that
    /// the log shows the values given.
    var learningRate: Double { lr ?? rule.defaultLearningRate }
    /// --n-layers, or the rule's default.
    var hiddenLayers: Int { nLayers ?? rule.defaultHiddenLayers }

    /// The flags as the engine takes them (in float32).
    var hyperparameters: Hyperparameters {
        var h = Hyperparameters()
        h.learningRate = Float(learningRate)
        h.feedbackLearningRate = Float(bLR)
        h.weightDecay = Float(weightDecay)
        h.feedbackDecay = Float(feedbackDecay)
        h.gamma = Float(gamma)
        if trainMode.movingAverage { h.feedbackUpdate = .movingAverage(beta: feedbackMomentum) }
        return h
    }

    func run() throws {
        let clock = ContinuousClock(), start = clock.now
        var spent = RunTiming()
        threadOptions.apply()
        if let line = ReferenceLog.seedLine(seed) { emit(line) }
        emit(trainMode.description)
        let data = try DatasetCache.shared.dataset(dataset, root: dataDir)
        spent.loading = clock.now - start
        let seeds = SeedPlan(flag: seed)
        let model = ReferenceModel(dataset: dataset, conv: conv, hiddenLayers: hiddenLayers, rule: rule)
        let run = try makeRun(model, data: data, seeds: seeds)
        if timing { run.trainer.clock = spent.phases }
        let log = try openLog(run, spent: &spent)
        let tracker = try makeTracker(run, model: model, log: log, seed: seeds.rule)
        defer { tracker?.close() }
        try train(run, log: log, tracker: tracker, spent: &spent)
        if timing { fputs(spent.summary(total: clock.now - start) + "\n", stderr) }
    }

    /// The network the reference trains for these flags, with its trainer (starting from --init's
    /// weights when given) and its data.
    func makeRun(_ model: ReferenceModel, data: Dataset, seeds: SeedPlan) throws -> TrainingRun {
        let network = try model.network(for: data, seed: seeds.network)
        do { try TrainingRun.checkBatchFits(network, batchSize: batchSize) } catch { throw CommandFailure("--batch-size: \(error)") }
        let trainer = try Trainer(network: network, rule: rule, hyperparameters: hyperparameters, seed: seeds.rule)
        if let initialWeights { try StateDict.load(initialWeights, into: network, feedback: trainer.learningRule.tapFeedback) }
        return TrainingRun(dataset: data, trainer: trainer, batchSize: batchSize, dataSeed: seeds.data,
                           trainTransform: model.trainTransform, testTransform: model.testTransform)
    }

    /// The CSV log: with --resume the run's own, after restoring the run from its checkpoint;
    /// otherwise a new one, after the evaluation before training and the parameter counts.
    func openLog(_ run: TrainingRun, spent: inout RunTiming) throws -> CSVLog {
        if let checkpoint {
            // Here and not after the first epoch, so that a --checkpoint that cannot be written costs no training.
            try createDirectory(checkpoint)
            AtomicFile.removeStaleTemporaries(beside: checkpointPath(in: checkpoint))
            // A fresh run would overwrite another run's state after its first epoch.
            if resume == nil, FileManager.default.fileExists(atPath: checkpointPath(in: checkpoint)) {
                throw CommandFailure("\(checkpointPath(in: checkpoint)) holds the state of an earlier run: continue it with --resume \(checkpointPath(in: checkpoint)), or give another --checkpoint")
            }
        }
        if let resume { return try resumeRun(run, from: resume) }
        let log = try CSVLog(path: ReferenceLog.csvPath(logDir: logDir, mode: trainMode.description), argumentsLine: argumentsLine())
        emit(ReferenceLog.testLines(try spent.timeEvaluation { try run.evaluate() }))
        emit(ReferenceLog.parameterLines(run.network, rule: rule, feedback: run.trainer.learningRule.tapFeedback).joined(separator: "\n"))
        return log
    }

    /// Restores the trainer and the data order saved in `checkpoint` and reopens its log after the
    /// last epoch saved.
    func resumeRun(_ run: TrainingRun, from checkpoint: String) throws -> CSVLog {
        let trainer = run.trainer
        let metadata = try Checkpoint.restore(trainer, from: checkpoint)
        try Checkpoint.requireDataset(dataset.rawValue, in: metadata, path: checkpoint)
        try run.restoreData(from: metadata, checkpoint: checkpoint)
        let log = try CSVLog(resuming: try resumedLogPath(metadata, checkpoint: checkpoint), afterEpoch: trainer.epochs,
                             sameRunAs: identifyingFields())
        emit("Resumed from \(checkpoint) after epoch \(trainer.epochs) (step \(trainer.steps)).")
        if trainer.epochs >= epochs {
            emit("Nothing to train: the run is at epoch \(trainer.epochs) and --epochs is \(epochs).")
        }
        return log
    }

    /// The --track measurements, written beside the log (LOG-track.csv) and taken on a fixed probe
    /// batch of the first 32 test samples; nil without --track.
    func makeTracker(_ run: TrainingRun, model: ReferenceModel, log: CSVLog, seed: UInt64) throws -> Tracker? {
        guard let track else { return nil }
        guard let probe = BatchLoader(run.dataset.test, batchSize: 32, shuffle: false, transform: model.testTransform).next() else {
            throw CommandFailure("--track measures on test samples, and \(dataset.rawValue) has none")
        }
        let path = String(log.path.dropLast(4)) + "-track.csv"
        return try Tracker(groups: track, every: trackEvery, path: path,
                           images: probe.images.copy(), labels: probe.labels, seed: seed,
                           resumingAfter: resume == nil ? nil : run.trainer.steps)
    }

    /// The epochs after the last one done, each evaluated, logged and (with --checkpoint) saved.
    /// Ctrl-C and a diverging step stop the run, saying what is left to resume from.
    func train(_ run: TrainingRun, log: CSVLog, tracker: Tracker?, spent: inout RunTiming) throws {
        let trainer = run.trainer
        try tracker?.maybeRecord(trainer: trainer, step: trainer.steps, epoch: trainer.epochs)
        var savedEpoch: Int?
        Interrupt.installSignalHandler()
        for epoch in stride(from: trainer.epochs + 1, through: epochs, by: 1) {
            let summary = try trainEpoch(epoch, of: run, tracker: tracker, kept: kept(savedEpoch: savedEpoch))
            if summary.interrupted {
                fputs("Interrupted during epoch \(epoch) after \(summary.batches) batches. \(kept(savedEpoch: savedEpoch))\n", stderr)
                throw ExitCode(130)
            }
            spent.add(summary)
            let evaluation = try spent.timeEvaluation { try run.evaluate() }
            emit(ReferenceLog.testLines(evaluation))
            let trainingLoss = ReferenceLog.loggedTrainingLoss(summary.meanLoss, dryRun: dryRun)
            try log.append(ReferenceLog.csvRow(epoch: epoch, trainingLoss: trainingLoss, evaluation))
            if let checkpoint {
                try save(run, log: log, in: checkpoint)
                savedEpoch = epoch
            }
        }
    }

    /// One epoch's steps, with its console lines, progress bar and tracked measurements; `kept`
    /// says what a diverging step leaves.
    func trainEpoch(_ epoch: Int, of run: TrainingRun, tracker: Tracker?, kept: String) throws -> TrainingRun.EpochSummary {
        let progress = ProgressBar.forTerminal()
        defer { progress?.clear() }
        do {
            return try run.trainEpoch { p in
                try tracker?.maybeRecord(trainer: run.trainer, step: run.trainer.steps, epoch: epoch)
                progress?.update(done: p.index + 1, total: p.batchCount, samples: p.samplesBefore + batchSize)
                guard ReferenceLog.logsBatch(p.index, interval: logInterval) else { return true }
                progress?.clear()
                emit(ReferenceLog.trainLine(epoch: epoch, p))
                return !dryRun
            }
        } catch let error as DivergenceError {
            throw CommandFailure("\(error). \(kept)")
        }
    }

    /// What a stopped run leaves to resume from, in words that are true; `savedEpoch` is the last
    /// epoch this process checkpointed.
    func kept(savedEpoch: Int?) -> String {
        guard let checkpoint else { return "Nothing was saved (no --checkpoint)." }
        if let savedEpoch { return "The checkpoint of epoch \(savedEpoch) (\(checkpointPath(in: checkpoint))) is intact." }
        return resume.map { "Nothing was saved since resuming; \($0) is as it was." } ?? "No checkpoint was written (the first is written after epoch 1)."
    }

    /// Saves the whole training state to DIRECTORY/checkpoint.safetensors, with the data order and
    /// the log's name. By name only: a checkpoint never chooses where fdfa writes (see `resumedLogPath`).
    func save(_ run: TrainingRun, log: CSVLog, in directory: String) throws {
        let logName = URL(fileURLWithPath: log.path).lastPathComponent
        let metadata = run.dataState.merging(["csv": logName, "dataset": dataset.rawValue, "arguments": argumentsLine()]) { $1 }
        try Checkpoint.save(run.trainer, to: checkpointPath(in: directory), metadata: metadata)
    }

    /// The log a resumed run continues: the file the checkpoint names, looked for only in this
    /// run's `--log-dir`/MODE and only under a log's name (yymmdd_HHMMSS.csv), since a checkpoint is
    /// data and never chooses where fdfa writes. (Older checkpoints record the whole path; its last
    /// component is used the same way.)
    func resumedLogPath(_ metadata: [String: String], checkpoint: String) throws -> String {
        let name = URL(fileURLWithPath: metadata["csv"] ?? "").lastPathComponent
        guard ReferenceLog.isLogName(name) else {
            throw CommandFailure("\(checkpoint): its log '\(metadata["csv"] ?? "")' is not the name of a log of fdfa train (yymmdd_HHMMSS.csv)")
        }
        let directory = URL(fileURLWithPath: logDir).appendingPathComponent(trainMode.description)
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("\(checkpoint): its log \(name) is not in \(directory.path) (give the --log-dir of the run that wrote it)")
        }
        return path
    }

    func checkpointPath(in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent("checkpoint.safetensors").path
    }

    /// Line 1 of the CSV: the run's arguments, as Python prints the reference's argparse Namespace.
    func argumentsLine() -> String {
        "Namespace(" + argumentFields().joined(separator: ", ") + ")"
    }

    /// The fields of the arguments line that fix the run (its network, data, rule and settings):
    /// the log a resumed run continues must have them, since a checkpoint continues with the
    /// settings it was started with. Left out: the epochs (a resume goes further), where the logs
    /// go and how often the console reports, and the two flags kept only for compatibility.
    func identifyingFields() -> [String] {
        let free = ["epochs", "log_dir", "log_interval", "no_cuda", "test_batch_size"]
        return argumentFields().filter { field in !free.contains { field.hasPrefix($0 + "=") } }
    }

    /// The fields of the arguments line, `name=value` as Python prints them.
    func argumentFields() -> [String] {
        let float = ReferenceLog.python as (Double) -> String, bool = ReferenceLog.python as (Bool) -> String
        return [
            "batch_size=\(batchSize)", "test_batch_size=\(testBatchSize)", "epochs=\(epochs)",
            "lr=\(float(learningRate))", "b_lr=\(float(bLR))", "gamma=\(float(gamma))",
            "weight_decay=\(float(weightDecay))", "feedback_decay=\(float(feedbackDecay))", "no_cuda=\(bool(noCuda))",
            "dry_run=\(bool(dryRun))", "log_interval=\(logInterval)", "train_mode='\(trainMode)'", "log_dir='\(logDir)'",
            "dataset='\(dataset.rawValue)'", "conv=\(bool(conv))", "n_layers=\(hiddenLayers)", "seed=\(self.seed)",
        ]
    }
}
