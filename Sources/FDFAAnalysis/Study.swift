import Foundation
import FDFAEngine

/// The paper's two qualitative findings, regenerated on a small net (the CLI's `fdfa study`):
///
/// 1. **Alignment over the first steps.** DFA, DKP and FDFA train the same fc net (BatchNorm, taps)
///    from the same initial parameters on the same batches; every `trackEvery` steps a `Tracker`
///    records cos(δ_l) and cos(B_l, J_l) on a fixed probe batch. DFA's B_l is fixed and random, so
///    its alignment stays where the forward weights drag it; DKP and FDFA learn B_l, so cos(δ_l)
///    and cos(B_l, J_l) rise from 0 (B_l starts at zero).
/// 2. **Estimator variance against width.** At initialisation, for each hidden width w, S draws of
///    FG-W's (∇L·v)v on the FG-W net (one hidden layer of w, no BatchNorm) and of FDFA's Jacobian
///    draw d ⊗ u and FG-A's (e·d)u at the tap of a one-block fc net of width w. Reported as the
///    relative variance E‖ĝ − g‖² / ‖g‖²: FG-W's is P + 1, so it grows with the parameter count;
///    the activity-perturbed draws grow with the number of neurons only, far slower. Beside them,
///    the gradient FDFA actually trains with, δ = e B_l with the B_l it has learned (the momentum
///    over many draws) after `steps` steps at each width: its relative squared error
///    ‖ĝ − g‖² / ‖g‖² on the first layer stays flat as the width grows.
///
/// Files written to `outputDirectory`: `alignment-DFA.csv`, `alignment-DKP.csv`, `alignment-FDFA.csv`
/// (Tracker columns), `variance.csv` (width, estimator, variance, relative_variance, cos_mean,
/// cos_std), `fdfa-trained.csv` (width, cos_grad_1, relative_error_grad_1), and the figures `alignment.svg`, `feedback.svg`, `variance.svg` (plus PNGs when
/// `rsvg-convert` is installed).
///
/// The data come through closures, so the analysis layer needs no data layer: the CLI passes
/// Fashion-MNIST batches, tests pass synthetic tensors.
public enum Study {
    public struct Configuration {
        public var inputShape: [Int] = [1, 28, 28]
        public var classes = 10
        /// Hidden widths of the fc net whose alignment is tracked.
        public var hidden = [256, 256]
        public var steps = 300
        public var trackEvery = 10
        /// Widths of the variance sweep.
        public var widths = [32, 64, 128, 256, 512]
        /// S, draws per estimator and width.
        public var draws = 32
        /// Seeds the networks, the trainers and the measurements.
        public var seed: UInt64 = 1
        public var hyperparameters: Hyperparameters = {
            var hp = Hyperparameters()
            hp.learningRate = 1e-3
            hp.feedbackLearningRate = 1e-3
            return hp
        }()
        public var outputDirectory = "study"

        public init() {}
    }

    /// The training batch for a step (0-based).
    public typealias Batches = (_ step: Int) -> (images: Tensor, labels: [Int32])

    /// One estimator at one width.
    public struct VariancePoint: Equatable {
        public let width: Int
        public let estimator: Estimator
        public let statistics: EstimatorStatistics
    }

    public struct Result {
        /// The tracked rows per rule (DFA, DKP, FDFA).
        public let alignment: [Rule: TrackedTable]
        public let variance: [VariancePoint]
        /// Per width, FDFA's first-layer gradient after training against BP's.
        public let trainedFDFA: [(width: Int, gradient: Comparison)]
        /// Every file written, in order.
        public let files: [String]
    }

    static let alignmentRules: [Rule] = [.dfa, .dkp, .fdfa]

    public static func run(_ configuration: Configuration, batches: Batches,
                           probe: (images: Tensor, labels: [Int32])) throws -> Result {
        let c = configuration, directory = c.outputDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [String] = []
        var alignment: [Rule: TrackedTable] = [:]
        for rule in alignmentRules {
            let network = try Network.fc(input: c.inputShape, hidden: c.hidden, classes: c.classes, seed: c.seed)
            let trainer = try Trainer(network: network, rule: rule, hyperparameters: c.hyperparameters, seed: c.seed)
            let tracker = try Tracker(groups: [.cos, .align], every: c.trackEvery, path: "\(directory)/alignment-\(rule).csv",
                                      images: probe.images, labels: probe.labels, seed: c.seed)
            try tracker.maybeRecord(trainer: trainer, step: 0, epoch: 0)
            for step in 0 ..< c.steps {
                let batch = batches(step)
                try trainer.step(images: batch.images, labels: batch.labels)
                try tracker.maybeRecord(trainer: trainer, step: trainer.steps, epoch: 0)
            }
            tracker.close()
            alignment[rule] = tracker.table
            files.append(tracker.path)
        }
        let variance = try varianceSweep(c, probe: probe)
        files.append(try writeVariance(variance, to: "\(directory)/variance.csv"))
        let trained = try trainedFDFASweep(c, batches: batches, probe: probe)
        files.append(try writeTrained(trained, to: "\(directory)/fdfa-trained.csv"))
        files += try drawFigures(alignment: alignment, variance: variance, trained: trained, taps: c.hidden.count, in: directory)
        return Result(alignment: alignment, variance: variance, trainedFDFA: trained, files: files)
    }

    private static func trainedFDFASweep(_ c: Configuration, batches: Batches,
                                         probe: (images: Tensor, labels: [Int32])) throws -> [(width: Int, gradient: Comparison)] {
        try c.widths.map { width in
            let network = try Network.fc(input: c.inputShape, hidden: [width], classes: c.classes, seed: c.seed)
            let trainer = try Trainer(network: network, rule: .fdfa, hyperparameters: c.hyperparameters, seed: c.seed)
            for step in 0 ..< c.steps {
                let batch = batches(step)
                try trainer.step(images: batch.images, labels: batch.labels)
            }
            let report = try Alignment.measure(trainer, images: probe.images, labels: probe.labels, feedback: false, seed: c.seed)
            return (width, report.layers[0].gradient)
        }
    }

    private static func writeTrained(_ points: [(width: Int, gradient: Comparison)], to path: String) throws -> String {
        let file = try CSVFile(path: path)
        try file.write(["width", "cos_grad_1", "relative_error_grad_1"])
        for (width, g) in points {
            try file.write([String(width), g.cosine.formatted(digits: 7), g.relativeSquaredDistance.formatted(digits: 7)])
        }
        file.close()
        return path
    }

    private static func varianceSweep(_ c: Configuration, probe: (images: Tensor, labels: [Int32])) throws -> [VariancePoint] {
        var points: [VariancePoint] = []
        for width in c.widths {
            let fgw = try Network.fgw(input: c.inputShape, hidden: [width], classes: c.classes, seed: c.seed)
            let fc = try Network.fc(input: c.inputShape, hidden: [width], classes: c.classes, seed: c.seed)
            for (network, estimator) in [(fgw, Estimator.fgw), (fc, .fga), (fc, .fdfa)] {
                let statistics = try EstimatorStudy.run(network, images: probe.images, labels: probe.labels,
                                                    estimator: estimator, draws: c.draws, seed: c.seed)[0]
                points.append(VariancePoint(width: width, estimator: estimator, statistics: statistics))
            }
        }
        return points
    }

    private static func writeVariance(_ points: [VariancePoint], to path: String) throws -> String {
        let file = try CSVFile(path: path)
        try file.write(["width", "estimator", "variance", "relative_variance", "cos_mean", "cos_std"])
        for p in points {
            let s = p.statistics
            try file.write([String(p.width), p.estimator.rawValue] +
                       [s.variance, s.relativeVariance, s.meanCosine, s.stdCosine].map { $0.formatted(digits: 7) })
        }
        file.close()
        return path
    }

    private static func drawFigures(alignment: [Rule: TrackedTable], variance: [VariancePoint],
                                    trained: [(width: Int, gradient: Comparison)], taps: Int,
                                    in directory: String) throws -> [String] {
        func curves(_ prefix: String) -> [PlotSeries] {
            alignmentRules.flatMap { rule in
                (1 ... taps).compactMap { alignment[rule]?.series("\(prefix)_\($0)", label: "\(rule) layer \($0)") }
            }
        }
        let sweep = Estimator.allCases.map { estimator in
            let mine = variance.filter { $0.estimator == estimator }
            return PlotSeries(name: estimator.rawValue, x: mine.map { Double($0.width) },
                              y: mine.map(\.statistics.relativeVariance))
        } + [PlotSeries(name: "FDFA, learned B", x: trained.map { Double($0.width) },
                        y: trained.map(\.gradient.relativeSquaredDistance))]
        let figures = [
            ("alignment", SVGFigure(title: "Alignment of δ with backpropagation", xLabel: "training step",
                                    yLabel: "cos(δ_l, dL/dh_l)", series: curves("cos_delta"))),
            ("feedback", SVGFigure(title: "Feedback against the true Jacobian", xLabel: "training step",
                                   yLabel: "cos(B_l, J_l)", series: curves("cos_BJ"))),
            ("variance", SVGFigure(title: "Gradient estimate error against width", xLabel: "hidden width",
                                   yLabel: "E‖ĝ − g‖² / ‖g‖²", series: sweep, logarithmicY: true)),
        ]
        var files: [String] = []
        for (name, figure) in figures {
            let svg = "\(directory)/\(name).svg", png = "\(directory)/\(name).png"
            try figure.write(to: svg)
            files.append(svg)
            if SVGFigure.rasterise(svg: svg, png: png) { files.append(png) }
        }
        return files
    }
}
