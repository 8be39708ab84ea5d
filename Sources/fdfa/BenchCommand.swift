import ArgumentParser
import FDFABench
import FDFAEngine
import FDFATraining
import Foundation

/// `fdfa bench`: median training-step times against their GEMM floor, for arch × rule × batch.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training steps against the sgemm calls they make (the GEMM floor) and their FLOPs at the machine's measured peak (the physical floor), in the same run.")

    @Option(help: "Architectures, comma separated: \(Benchmark.architectures.joined(separator: ", ")).")
    var arch = Benchmark.defaultArchitectures.joined(separator: ",")
    @Option(help: "Rules, comma separated.")
    var rule = Rule.allCases.map(\.rawValue).joined(separator: ",")
    @Option(help: "Batch sizes, comma separated.")
    var batch = "64"
    @Option(parsing: .unconditional, help: "Untimed steps before timing.")
    var warmup = 5
    @Option(parsing: .unconditional, help: "Timed steps (the median is reported).")
    var repeats = 30
    @OptionGroup var threadOptions: ThreadOptions
    @Flag(help: "One JSON object per line instead of a table.")
    var json = false
    /// Where a step's time goes: each layer's forward, tangent and adjoint timed alone.
    @Flag(help: "After each case, time every layer's forward, tangent and adjoint alone.")
    var layers = false
    /// Where a step's time goes: its phases, timed as the step runs them.
    @Flag(help: "After each case, the step's phases (perturbations, forward, tangent, loss, gradients, updates) as they ran in the timed steps.")
    var phases = false

    var archs: [String] { get throws {
        try CommaList.parse(arch, option: "--arch", expected: "one of " + Benchmark.architectures.joined(separator: ", ")) {
            Benchmark.architectures.contains($0) ? $0 : nil
        }
    } }
    var rules: [Rule] { get throws {
        try CommaList.parse(rule, option: "--rule", expected: "one of " + Rule.allCases.map(\.rawValue).joined(separator: ", ")) {
            Rule(name: $0)
        }
    } }
    var batches: [Int] { get throws { try CommaList.integers(batch, in: 1 ... 65536, option: "--batch") } }

    func validate() throws {
        guard try !archs.isEmpty, try !rules.isEmpty else { throw ValidationError("--arch and --rule must name something") }
        let largest = try batches.max()!
        for a in try archs {
            do { try TrainingRun.checkBatchFits(Benchmark.network(arch: a, rule: .bp), batchSize: largest) } catch {
                throw ValidationError("--batch: \(error)")
            }
        }
        try Limits.check(warmup, in: 0 ... 100_000, "--warmup")
        try Limits.check(repeats, in: 1 ... 100_000, "--repeats")
    }

    func run() throws {
        threadOptions.apply()
        let (archs, rules, batches) = (try archs, try rules, try batches)
        if !json {
            emit("gemm: \(BLAS.library.rawValue) (FDFA_GEMM=openblas|onednn chooses)")
            emit("arch  rule      batch   step ms  floor ms   ratio   MFLOP  peak ms  peak ratio   rss MB")
        }
        for a in archs {
            for r in rules {
                for b in batches {
                    let result: Benchmark.Result
                    do {
                        result = try Benchmark.run(.init(arch: a, rule: r, batch: b), warmup: warmup, repeats: repeats)
                    } catch let error as RuleError {   // e.g. FA on the convolutional net
                        if !json { emit("\(a) \(r) skipped: \(error)") }
                        break
                    } catch {
                        throw CommandFailure("\(error)")
                    }
                    emit(json ? result.json : a.padding(toLength: 5, withPad: " ", startingAt: 0) + " "
                        + r.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + String(
                            format: " %6d %9.2f %9.2f %7.2f %7.1f %8.3f %11.2f %8.1f", b,
                            result.stepMilliseconds, result.floorMilliseconds, result.ratio, result.flops / 1e6,
                            result.peakMilliseconds, result.peakRatio, result.residentMegabytes))
                    if phases { for line in json ? result.phaseJSON() : result.phaseTable() { emit(line) } }
                    if layers {
                        let c = Benchmark.Case(arch: a, rule: r, batch: b)
                        let profile = LayerProfile(try Benchmark.network(arch: a, rule: r), batch: b, warmup: warmup,
                                                   repeats: repeats)
                        let peak = result.flops / result.peakMilliseconds * 1e3
                        for line in json ? profile.json(c) : profile.table(peakFlopsPerSecond: peak) { emit(line) }
                    }
                }
            }
        }
        if !json { emit(String(format: "peak RSS %.1f MB", Benchmark.peakResidentMegabytes())) }
    }
}
