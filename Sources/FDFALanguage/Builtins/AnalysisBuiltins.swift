import FDFAAnalysis
import FDFAEngine
import Foundation

/// SPEC §7's measurements and plots. Measurements leave training untouched (see `Trainer.measureGradients`).
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
                                                                  seed: try args.seed("seed", session))))
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
            let statistics = EstimatorStudy.run(net.network, images: images, labels: labels, estimator: estimator,
                                                draws: draws, seed: try args.seed("seed", session))
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
                         .optional("height", .integer, default: .number(14))],
                summary: "Plots lines in the terminal, or to an SVG with file=\"x.svg\": plot(losses), plot({cos: c, loss: l}).",
                details: """
                    Each series is a list or tensor of numbers (y against 0, 1, 2, …), or a record whose fields are such
                    lists (one line per field, named by it). log=true draws y on a log scale; width and height count
                    characters. At a terminal the lines have colours; elsewhere (notebooks) they differ only in shape,
                    so plot one or two series at a time there.
                    """) { args, session in
            let series = try args.list("series").enumerated().flatMap { i, value in try plotSeries(value, number: i + 1) }
            guard !series.isEmpty else { throw LanguageError.runtime("give at least one series to plot") }
            let logarithmic = try args["log"].isTruthy()
            let title = args.isNone("title") ? nil : try args.string("title")
            let figure = SVGFigure(title: title ?? "", xLabel: "step", yLabel: "value", series: series, logarithmicY: logarithmic)
            guard !args.isNone("file") else {
                let width = try args.integer("width"), height = try args.integer("height")
                guard width >= 2, height >= 2 else { throw LanguageError.runtime("'width' and 'height' must be at least 2") }
                let plot = TerminalPlot(series: series, title: title, width: width, height: height, logarithmicY: logarithmic,
                                        colored: isatty(STDOUT_FILENO) != 0)
                // Notebooks show the figure (the SVG file= writes); terminals its text form.
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

    /// The estimator `variance` draws: the one named, else the rule's own, else FDFA's (FG-W's without taps).
    private static func chosenEstimator(_ args: Arguments, _ network: Network, rule: Rule) throws -> Estimator {
        let estimator: Estimator
        if args.isNone("estimator") {
            estimator = Estimator(rule: rule) ?? (network.taps.isEmpty ? .fgw : .fdfa)
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

    /// The numbers of a list (none counts as a gap) or tensor.
    private static func numbers(_ value: Value, _ what: String) throws -> [Double] {
        switch value {
        case .tensor(let t): return t.array.map(Double.init)
        case .list(let items):
            return try items.map {
                switch $0 {
                case .number(let n): return n
                case .none: return .nan
                default: throw LanguageError.runtime("\(what) must hold numbers, found a \($0.typeName)")
                }
            }
        default: throw LanguageError.runtime("\(what) must be a list or tensor of numbers, or a record of them; got a \(value.typeName)")
        }
    }
}
