import ArgumentParser
import FDFAAnalysis
import FDFAData
import FDFAEngine
import FDFATraining
import Foundation

/// `fdfa study`: regenerates the paper's qualitative findings on Fashion-MNIST and a small net
/// (see `Study` in FDFAAnalysis): alignment of DFA, DKP and FDFA over the first steps, and the
/// estimators' variance against width.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Regenerate the alignment and variance-vs-width findings as CSV files and SVG figures.")

    @Option(help: "Dataset to study (the paper's qualitative claims are shown on FashionMNIST).")
    var dataset = DatasetName.fashionMNIST
    @Option(help: "Root of the datasets.")
    var dataDir = DatasetLoader.defaultRoot
    @Option(help: "Directory for the CSV files and figures.")
    var output = "study"
    // Numbers are parsed `.unconditional`ly so that a negative one meets its range check (see TrainCommand).
    @Option(parsing: .unconditional, help: "Training steps per rule (alignment) and per width (trained FDFA).")
    var steps = 300
    @Option(parsing: .unconditional, help: "Steps between alignment measurements.")
    var trackEvery = 10
    @Option(help: "Hidden widths of the variance sweep, comma separated.")
    var widths = "32,64,128,256,512"
    @Option(parsing: .unconditional, help: "Perturbation draws per estimator and width.")
    var draws = 32
    @Option(parsing: .unconditional, help: "Samples in the fixed probe batch the quantities are measured on.")
    var probe = 32
    @Option(parsing: .unconditional, help: "Seed of networks, trainers, data order and measurements.")
    var seed: UInt64 = 1

    var widthList: [Int] { get throws { try CommaList.integers(widths, in: 1 ... 16384, option: "--widths") } }

    func validate() throws {
        _ = try widthList
        // Every step's batch is kept (each rule and width sees the same ones): steps bound the memory.
        try Limits.check(steps, in: 1 ... 10000, "--steps")
        try Limits.check(trackEvery, in: 1 ... 10000, "--track-every")
        try Limits.check(draws, in: 1 ... 100_000, "--draws")
        try Limits.check(probe, in: 1 ... 10000, "--probe")
    }

    func run() throws {
        try createDirectory(output)
        let data = try DatasetCache.shared.dataset(dataset, root: dataDir)
        var c = Study.Configuration()
        c.inputShape = data.sampleShape
        c.classes = data.classCount
        c.steps = steps
        c.trackEvery = trackEvery
        c.draws = draws
        c.seed = seed
        c.outputDirectory = output
        c.widths = try widthList
        let loader = BatchLoader(data.train, batchSize: 64, shuffle: true, seed: seed)
        // The same sequence of batches for every rule and width: step s always sees batch s.
        var cache: [(images: Tensor, labels: [Int32])] = []
        let batches: Study.Batches = { step in
            while cache.count <= step {
                guard let b = loader.next() ?? loader.next() else { break }
                cache.append((b.images.copy(), b.labels))
            }
            return cache[step]
        }
        guard let probeBatch = BatchLoader(data.test, batchSize: probe, shuffle: false).next() else {
            throw CommandFailure("the study measures on test samples, and \(dataset.rawValue) has none")
        }
        let result = try Study.run(c, batches: batches, probe: (probeBatch.images.copy(), probeBatch.labels))
        for file in result.files { emit("wrote \(file)") }
    }
}
