import ArgumentParser
import FDFAEngine
import Foundation

/// `fdfa bench`: median training-step times against their GEMM floor, for arch × rule × batch.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training steps against the sgemm calls they make (the GEMM floor), measured in the same run.")

    @Option(help: "Architectures, comma separated: \(Benchmark.architectures.joined(separator: ", ")).")
    var arch = Benchmark.architectures.joined(separator: ",")
    @Option(help: "Rules, comma separated.")
    var rule = Rule.allCases.map(\.rawValue).joined(separator: ",")
    @Option(help: "Batch sizes, comma separated.")
    var batch = "64"
    @Option(help: "Untimed steps before timing.")
    var warmup = 5
    @Option(help: "Timed steps (the median is reported).")
    var repeats = 30
    @OptionGroup var threadOptions: ThreadOptions
    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    func run() throws {
        threadOptions.apply()
        let archs = CommaList.items(arch)
        let rules = try CommaList.parse(rule, option: "--rule",
                                        expected: "one of " + Rule.allCases.map(\.rawValue).joined(separator: ", ")) { Rule(name: $0) }
        let batches = try CommaList.positiveIntegers(batch, option: "--batch")
        if !json {
            emit("arch  rule      batch   step ms  floor ms   ratio   rss MB")
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
                    }
                    emit(json ? result.json : a.padding(toLength: 5, withPad: " ", startingAt: 0) + " "
                        + r.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + String(
                            format: " %6d %9.2f %9.2f %7.2f %8.1f", b,
                            result.stepMilliseconds, result.floorMilliseconds, result.ratio, result.residentMegabytes))
                }
            }
        }
        if !json { emit(String(format: "peak RSS %.1f MB", Benchmark.peakResidentMegabytes())) }
    }
}
