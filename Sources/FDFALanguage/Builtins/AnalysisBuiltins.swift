import FDFAAnalysis
import FDFAEngine
import Foundation

/// The measurements of docs/reference.md#analysis and their plots. Measurements leave training untouched (see `Trainer.measureGradients`).
extension BuiltinGroup {
    static let analysis = BuiltinGroup("Analysis", [
        Builtin("align", [.required("net", .host("network")), .required("batch", .host("batch")),
                          .optional("feedback", .bool, default: .bool(true)), .optional("seed", .integer, default: .number(0))],
                summary: "How the rule's signals and gradients align with backpropagation's on a batch, per tap and layer.",
                details: """
                    Runs the first half of a step of the network's rule and compares, by cosine and norm ratio: each tap's
                    signal δ_l with the true dL/dh_l, each layer's gradient with the true one, and (feedback=true)
                    each B_l with the batch-mean Jacobian J_l. Fields give the numbers as lists: a.cos_grad, a.cos_BJ, ….
                    seed seeds the rule's perturbations for this measurement only.
                    """) { args, session in
            let (net, images, labels) = try args.networkAndBatch()
            do {
                return .host(AlignmentValue(try Alignment.measure(net.trainer, images: images, labels: labels,
                                                                  feedback: try args["feedback"].isTruthy(),
                                                                  seed: try args.seed("seed", session),
                                                                  cancellation: LanguageError.throwIfInterrupted)))
            } catch let error as DivergenceError {
                throw LanguageError.runtime("\(error)")
            } catch let error as RuleError {
                throw LanguageError.runtime("\(error)")
            }
        },
        Builtin("variance", [.required("net", .host("network")), .required("batch", .host("batch")),
                             .optional("estimator", .string, default: .none), .optional("draws", .integer, default: .number(32)),
                             .optional("seed", .integer, default: .number(0))],
                summary: "A forward-gradient estimator drawn many times: mean cosine with the truth and variance, per target.",
                details: """
                    estimator: "FG-W" ((∇L·v) v against the full gradient), "FG-A" ((e·d) u against dL/dh_l per tap) or
                    "FDFA" (d ⊗ u against J_l per tap); default: the network's rule's own, else FDFA's (FG-W's without taps).
                    Returns one record per target: mean_cosine and std_cosine of single draws, averaged_cosine (of the
                    mean of all draws: near 1 for an unbiased estimator), variance (mean ‖estimate − truth‖²),
                    relative_variance (variance / ‖truth‖²; FG-W's is about the parameter count + 1).
                    """) { args, session in
            let (net, images, labels) = try args.networkAndBatch()
            let draws = try args.integer("draws")
            guard draws >= 1 else { throw LanguageError.runtime("'draws' must be at least 1, got \(draws)") }
            let estimator = try chosenEstimator(args, net.network, rule: net.trainer.rule)
            let statistics = try EstimatorStudy.run(net.network, images: images, labels: labels, estimator: estimator,
                                                    draws: draws, seed: try args.seed("seed", session),
                                                    cancellation: LanguageError.throwIfInterrupted)
            return .list(statistics.map { s in
                .record(Record([
                    ("estimator", .string(estimator.rawValue)), ("target", .string(s.target)), ("draws", .number(Double(s.draws))),
                    ("mean_cosine", .number(s.meanCosine)), ("std_cosine", .number(s.stdCosine)),
                    ("averaged_cosine", .number(s.averaged.cosine)),
                    ("variance", .number(s.variance)), ("relative_variance", .number(s.relativeVariance)),
                ]))
            })
        },
        Builtin("plot", [.variadic("series", .any), .optional("file", .string, default: .none), .optional("title", .string, default: .none),
                         .optional("log", .bool, default: .bool(false)), .optional("width", .integer, default: .number(60)),
                         .optional("height", .integer, default: .number(14)), .optional("x", .any, default: .none),
                         .optional("xlabel", .string, default: .none), .optional("ylabel", .string, default: .none),
                         .optional("ylim", .list, default: .none)],
                summary: "Plots lines in the terminal, or to an SVG with file=\"x.svg\": plot(losses), plot({cos: c, loss: l}).",
                details: """
                    Each series is a list or tensor of numbers (y against 0, 1, 2, …), or a record whose fields are such
                    lists (one line per field, named by it). log=true draws y on a log scale; width and height count
                    characters. At a terminal the lines have colours; elsewhere (notebooks) the first is drawn in dots
                    and each other one with its own marker (•, ×, +, …).
                    x gives the x values of every series (default 0, 1, 2, …); xlabel and ylabel name the axes (default
                    "step" or "x", and "value"); ylim=[low, high] fixes the y range. Values that cannot be drawn (NaN,
                    inf, or ≤ 0 with log=true) are left out, and a note says how many.
                    """) { args, session in
            var series = try args.list("series").enumerated().flatMap { i, value in try plotSeries(value, number: i + 1) }
            guard !series.isEmpty else { throw LanguageError.runtime("give at least one series to plot") }
            if !args.isNone("x") {
                let x = try numbers(args["x"], "'x'")
                for i in series.indices {
                    guard series[i].y.count == x.count else {
                        throw LanguageError.runtime("'x' has \(x.count) values and \(series[i].name) has \(series[i].y.count)")
                    }
                    series[i] = PlotSeries(name: series[i].name, x: x, y: series[i].y)
                }
            }
            let logarithmic = try args["log"].isTruthy()
            let title = args.isNone("title") ? nil : try args.string("title")
            let xLabel = args.isNone("xlabel") ? nil : try args.string("xlabel")
            let yLabel = args.isNone("ylabel") ? nil : try args.string("ylabel")
            let limits = try yLimits(args, logarithmic: logarithmic)
            for line in series {
                let (notFinite, notPositive) = line.undrawable(logarithmicY: logarithmic)
                let reasons = [notFinite > 0 ? "\(notFinite) NaN or infinite" : nil, notPositive > 0 ? "\(notPositive) zero or negative (log scale)" : nil]
                    .compactMap { $0 }
                if !reasons.isEmpty { session.write("note: \(line.name): \(reasons.joined(separator: " and ")) values not drawn\n") }
            }
            var figure = SVGFigure(title: title ?? "", xLabel: xLabel ?? (args.isNone("x") ? "step" : "x"), yLabel: yLabel ?? "value",
                                   series: series, logarithmicY: logarithmic)
            figure.yLimits = limits
            guard !args.isNone("file") else {
                let width = try args.integer("width"), height = try args.integer("height")
                guard (2 ... 1000).contains(width), (2 ... 1000).contains(height) else {
                    throw LanguageError.runtime("'width' and 'height' must be between 2 and 1000")
                }
                var plot = TerminalPlot(series: series, title: title, width: width, height: height, logarithmicY: logarithmic,
                                        colored: !session.showsFigures && isatty(STDOUT_FILENO) != 0)
                (plot.xLabel, plot.yLabel, plot.yLimits) = (xLabel, yLabel, limits)
                // Notebooks show the figure (the SVG file= writes) and keep the text form plain; terminals
                // show the text form, in colour.
                var data = [CellOutput.plainText: plot.render() + "\n"]
                if session.showsFigures { data[CellOutput.svg] = figure.render() }
                session.display(data)
                return .none
            }
            let path = try args.string("file")
            do {
                try figure.write(to: path)
            } catch {
                throw LanguageError.runtime("cannot write \(path): \(error)")
            }
            session.write("wrote \(path)\n")
            return .none
        },
    ])

    /// `ylim=[low, high]`, checked: two numbers in order (positive with log=true).
    private static func yLimits(_ args: Arguments, logarithmic: Bool) throws -> (low: Double, high: Double)? {
        guard !args.isNone("ylim") else { return nil }
        let limits = try numbers(args["ylim"], "'ylim'")
        guard limits.count == 2, limits.allSatisfy(\.isFinite), limits[0] < limits[1], !logarithmic || limits[0] > 0 else {
            throw LanguageError.runtime("'ylim' must be [low, high] with low < high" + (logarithmic ? " and low > 0 (log scale)" : ""))
        }
        return (limits[0], limits[1])
    }

    /// The estimator `variance` draws: the one named, else the rule's own, else FDFA's (FG-W's without taps).
    private static func chosenEstimator(_ args: Arguments, _ network: Network, rule: Rule) throws -> Estimator {
        let estimator: Estimator
        if args.isNone("estimator") {
            estimator = Estimator.default(for: rule, on: network)
        } else {
            let name = try args.string("estimator")
            guard let named = Rule(name: name).flatMap(Estimator.init(rule:)) else {
                throw LanguageError.runtime("unknown estimator '\(name)'; estimators: \(Estimator.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            estimator = named
        }
        guard estimator == .fgw || !network.taps.isEmpty else {
            throw LanguageError.runtime("the \(estimator) estimator perturbs taps, and the network has none (try \"FG-W\")")
        }
        return estimator
    }

    /// A plot argument as lines: a list or tensor is one line, a record one line per field.
    private static func plotSeries(_ value: Value, number: Int) throws -> [PlotSeries] {
        if case .record(let record) = value {
            return try record.fields.map { PlotSeries(name: $0.name, values: try numbers($0.value, "'\($0.name)'")) }
        }
        return [PlotSeries(name: "series \(number)", values: try numbers(value, "series #\(number)"))]
    }

    /// The most points a series may have: far more than a terminal's columns or an SVG's pixels
    /// show, and few enough that drawing them takes seconds, not minutes that Ctrl-C cannot stop.
    static let maximumPlotPoints = 1 << 20

    /// The numbers of a list (none counts as a gap) or tensor.
    private static func numbers(_ value: Value, _ what: String) throws -> [Double] {
        let values: [Double]
        switch value {
        case .tensor(let t): values = t.array.map(Double.init)
        case .list(let items):
            values = try items.map {
                switch $0 {
                case .number(let n): return n
                case .none: return .nan
                default: throw LanguageError.runtime("\(what) must hold numbers, found \(withArticle($0.typeName))")
                }
            }
        default: throw LanguageError.mustBe(what, "a list or tensor of numbers, or a record of them", got: value)
        }
        guard values.count <= maximumPlotPoints else {
            throw LanguageError.runtime("\(what) has \(values.count) values; a plot draws at most \(maximumPlotPoints) per series (thin it out first)")
        }
        return values
    }
}
