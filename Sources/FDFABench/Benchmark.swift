import CKernels
import Dispatch
import FDFAEngine
import Foundation

/// `fdfa bench`: median training-step times for architecture × rule × batch, each against two
/// floors measured in the same run, so that the ratios hold on a noisy machine:
/// - the GEMM floor: just the sgemm calls that step makes, replayed with the same shapes (how much
///   the engine adds on top of the GEMM library);
/// - the physical floor: the step's FLOPs (those products' multiply-adds) at the machine's peak,
///   measured by a register-only FMA loop on every thread (how far the step is from the hardware).
public enum Benchmark {
    /// The benchmarked architectures: "fc2" is 784-800-800-10 (BN, taps), "conv" the shallow CNN on
    /// 1×28×28, "alexnet" AlexNet on CIFAR-100 at 3×224×224. FG-W runs on its own network of fc2's
    /// widths (no BatchNorm, no taps), and on the same convolutional networks as the other rules.
    public static let architectures = ["fc2", "conv", "alexnet"]
    /// What `fdfa bench` runs unless told: AlexNet's steps take seconds.
    public static let defaultArchitectures = ["fc2", "conv"]

    public struct Case: Hashable {
        public let arch: String
        public let rule: Rule
        public let batch: Int
        public init(arch: String, rule: Rule, batch: Int) {
            self.arch = arch
            self.rule = rule
            self.batch = batch
        }
    }

    public struct Result {
        public let arch: String
        public let rule: Rule
        public let batch: Int
        /// Median time of one full training step (forward, tangent, rule, updates), milliseconds.
        public let stepMilliseconds: Double
        /// Median time of the same step's sgemm calls alone, milliseconds.
        public let floorMilliseconds: Double
        /// The step's floating-point operations: 2·m·n·k for each of its products.
        public let flops: Double
        /// Those FLOPs at the machine's peak rate (`peakFlopsPerSecond`), milliseconds.
        public let peakMilliseconds: Double
        /// Resident set size of the process after the case, MiB.
        public let residentMegabytes: Double
        /// Median milliseconds of each phase of the timed steps (`StepClock.Phase`, by raw value).
        public let phaseMilliseconds: [Double]
        public var ratio: Double { stepMilliseconds / floorMilliseconds }
        public var peakRatio: Double { stepMilliseconds / peakMilliseconds }

        /// One JSON object (a line of `fdfa bench --json`).
        public var json: String {
            String(format: #"{"arch":"%@","rule":"%@","batch":%d,"step_ms":%.4f,"floor_ms":%.4f,"ratio":%.3f,"flops":%.0f,"peak_ms":%.4f,"peak_ratio":%.3f,"rss_mb":%.1f}"#,
                   arch, rule.rawValue, batch, stepMilliseconds, floorMilliseconds, ratio, flops,
                   peakMilliseconds, peakRatio, residentMegabytes)
        }
    }

    /// The machine's arithmetic peak in FLOP/s: the fastest of `trials` runs of a register-only
    /// multiply-add loop on the widest vector registers the CPU has, on every thread of the pool
    /// at once. Each trial takes a few milliseconds.
    public static func peakFlopsPerSecond(trials: Int = 5, iterations: Int = 200_000) -> Double {
        var best = 0.0
        for _ in 0 ..< max(trials, 1) {
            let threads = Threads.count
            var flops = 0.0
            let lock = NSLock()
            let seconds = milliseconds {
                parallelParts(threads) { _, _ in
                    var sink: Float = 0
                    let done = fdfa_fma_loop(iterations, &sink)
                    lock.withLock { flops += done }
                }
            } / 1e3
            best = max(best, flops / seconds)
        }
        return best
    }

    /// The FLOPs of a list of products: 2·m·n·k each.
    static func flops(of shapes: [BLAS.GemmShape]) -> Double {
        shapes.reduce(0) { $0 + 2 * Double($1.m) * Double($1.n) * Double($1.k) }
    }

    public static func network(arch: String, rule: Rule, seed: UInt64 = 0) throws -> Network {
        switch (arch, rule) {
        case ("fc2", .fgw): return try .fgw(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: seed)
        case ("fc2", _): return try .fc(input: [1, 28, 28], hidden: [800, 800], classes: 10, seed: seed)
        case ("conv", _): return try .shallowCNN(input: [1, 28, 28], classes: 10, seed: seed)
        case ("alexnet", _): return try .alexNet(classes: 100, seed: seed)
        default: throw ShapeError("unknown architecture '\(arch)' (known: \(architectures.joined(separator: ", ")))")
        }
    }

    /// Times `repeats` steps after `warmup` steps on random inputs, each followed by a replay of its
    /// sgemm calls alone, so that the step and its floor see the same machine (noise, clocks, load);
    /// the machine's peak is measured just before the timed steps.
    public static func run(_ c: Case, warmup: Int = 5, repeats: Int = 30) throws -> Result {
        let net = try network(arch: c.arch, rule: c.rule)
        let trainer = try Trainer(network: net, rule: c.rule, seed: 1)
        var rng = Random(seed: 2)
        let images = Tensor(zeros: [c.batch] + net.inputShape)
        rng.fillNormal(images)
        let labels = (0 ..< c.batch).map { _ in Int32(rng.nextInt(below: net.classes)) }

        for _ in 0 ..< warmup { try trainer.step(images: images, labels: labels) }
        var shapes: [BLAS.GemmShape] = []
        let lock = NSLock()   // a rule's backward segments call gemm from both threads
        BLAS.recorder = { shape in lock.withLock { shapes.append(shape) } }
        try trainer.step(images: images, labels: labels)
        BLAS.recorder = nil
        let floor = GemmReplay(shapes)
        for _ in 0 ..< warmup { floor.run() }
        let peak = peakFlopsPerSecond()
        var steps: [Double] = [], floors: [Double] = []
        let clock = StepClock()
        trainer.clock = clock
        var phases = StepClock.Phase.allCases.map { _ in [Double]() }
        for _ in 0 ..< max(repeats, 1) {
            clock.reset()
            steps.append(try milliseconds { try trainer.step(images: images, labels: labels) })
            for phase in StepClock.Phase.allCases { phases[phase.rawValue].append(clock.seconds[phase.rawValue] * 1e3) }
            floors.append(milliseconds { floor.run() })
        }
        let stepFlops = flops(of: shapes)
        return Result(arch: c.arch, rule: c.rule, batch: c.batch, stepMilliseconds: median(steps),
                      floorMilliseconds: median(floors), flops: stepFlops,
                      peakMilliseconds: stepFlops / peak * 1e3, residentMegabytes: residentMegabytes(),
                      phaseMilliseconds: phases.map(median))
    }

    /// The recorded sgemm calls of a step, replayed on buffers as large as the largest operands
    /// (the values do not matter to sgemm's speed). Calls that the step ran side by side, one per
    /// thread (`splitOverThreads: false`), are replayed side by side too, each thread into its own C.
    struct GemmReplay {
        /// Runs of consecutive calls: one call split over the threads, or calls run side by side.
        let runs: [[BLAS.GemmShape]]
        let a: Tensor, b: Tensor, c: Tensor
        let largest: Int

        init(_ shapes: [BLAS.GemmShape]) {
            var runs: [[BLAS.GemmShape]] = []
            for s in shapes {
                if s.sideBySide, let last = runs.last?.last, last.sideBySide {
                    runs[runs.count - 1].append(s)
                } else {
                    runs.append([s])
                }
            }
            self.runs = runs
            largest = shapes.map { max($0.m * $0.k, $0.k * $0.n, $0.m * $0.n) }.max() ?? 1
            a = Tensor(shape: [largest], repeating: 0.5)
            b = Tensor(shape: [largest], repeating: 0.25)
            c = Tensor(zeros: [largest * Threads.count])
        }

        func run() {
            for run in runs {
                parallelParts(run[0].sideBySide ? min(Threads.count, run.count) : 1) { part, parts in
                    for i in chunk(part, of: parts, count: run.count) {
                        let s = run[i]
                        BLAS.gemm(a.data, transposeA: s.transposeA, b.data, transposeB: s.transposeB,
                                  into: c.data + part * largest, m: s.m, n: s.n, k: s.k, splitOverThreads: !s.sideBySide)
                    }
                }
            }
        }
    }

    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// Current resident set size (VmRSS), MiB.
    public static func residentMegabytes() -> Double { procStatus("VmRSS:") }
    /// Peak resident set size (VmHWM), MiB.
    public static func peakResidentMegabytes() -> Double { procStatus("VmHWM:") }

    private static func procStatus(_ key: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
}
