import Dispatch
import Foundation
import XCTest
@testable import FDFAEngine

/// fdfa's thread pool (CKernels/pool.c) and the GEMMs split over it.
final class ParallelTests: XCTestCase {
    private var savedThreads = 0

    override func setUp() { savedThreads = Threads.count }
    override func tearDown() { Threads.count = savedThreads }

    /// Ctrl-C never lands on a pool worker, and the thread that takes it runs the handler on a stack
    /// of its own: a signal frame pushed below the stack pointer of one of oneDNN's generated kernels
    /// overwrote its data (Interrupt.swift).
    func testInterruptsAreTakenOnTheHandlersStackAndNeverByAWorker() {
        var previous = sigaction()
        sigaction(SIGINT, nil, &previous)
        defer { sigaction(SIGINT, &previous, nil) }
        Interrupt.installSignalHandler()
        var installed = sigaction()
        sigaction(SIGINT, nil, &installed)
        XCTAssertNotEqual(installed.sa_flags & SA_ONSTACK, 0)
        var stack = stack_t()
        sigaltstack(nil, &stack)
        XCTAssertEqual(stack.ss_flags & Int32(SS_DISABLE), 0)
        XCTAssertGreaterThanOrEqual(stack.ss_size, Int(MINSIGSTKSZ))

        Threads.count = 2
        parallelParts(2) { _, _ in usleep(1_000) }   // starts the worker (one started mid-job waits for the next)
        let lock = NSLock()
        var workerMasks: [Bool] = []   // whether SIGINT is blocked, for each part a worker ran
        parallelParts(8) { _, _ in
            usleep(5_000)   // long enough that the worker claims parts too
            var mask = sigset_t()
            pthread_sigmask(SIG_BLOCK, nil, &mask)
            if Threads.current != 0 { lock.withLock { workerMasks.append(sigismember(&mask, SIGINT) == 1) } }
        }
        XCTAssertFalse(workerMasks.isEmpty, "no part ran on a worker")
        XCTAssertTrue(workerMasks.allSatisfy { $0 }, "a worker takes SIGINT")
    }

    func testEveryPartRunsExactlyOnce() {
        for threads in [1, 2, 3] {
            Threads.count = threads
            for parts in 1 ... 5 {
                var runs = [Int](repeating: 0, count: parts)
                runs.withUnsafeMutableBufferPointer { runs in
                    parallelParts(parts) { part, total in
                        XCTAssertEqual(total, parts)
                        runs[part] += 1
                    }
                }
                XCTAssertEqual(runs, [Int](repeating: 1, count: parts), "\(threads) threads, \(parts) parts")
            }
        }
    }

    /// Two parts that each wait (up to a timeout) for the other to start: a worker must have taken
    /// the second while the caller was in the first. (A worker descheduled by a busy machine makes
    /// one attempt fall back to the caller running both, hence several attempts.)
    func testAWorkerRunsPartsBesideTheCaller() {
        Threads.count = 2
        var sawTwoThreads = false
        for _ in 0 ..< 5 where !sawTwoThreads {
            let lock = NSLock()
            var started = [false, false]
            var owners = [pthread_t](repeating: 0, count: 2)
            parallelParts(2) { part, _ in
                lock.withLock {
                    owners[part] = pthread_self()
                    started[part] = true
                }
                let deadline = Date().addingTimeInterval(0.1)
                while !lock.withLock({ started[1 - part] }), Date() < deadline {}
            }
            sawTwoThreads = owners[0] != owners[1]
        }
        XCTAssertTrue(sawTwoThreads)
    }

    /// `Threads.current` numbers the threads that run parts: 0 for the caller, a distinct number
    /// below `Threads.count` for each worker, the same one every time a thread shows up.
    func testThreadNumbersAreDistinctAndStable() {
        Threads.count = 3
        XCTAssertEqual(Threads.current, 0)
        let lock = NSLock()
        var seen: [pthread_t: Set<Int>] = [:]
        for _ in 0 ..< 50 {
            parallelParts(6) { _, _ in
                let number = Threads.current
                let deadline = Date().addingTimeInterval(0.001)
                while Date() < deadline {}   // long enough for the workers to claim parts too
                lock.withLock { _ = seen[pthread_self(), default: []].insert(number) }
            }
        }
        XCTAssertEqual(seen[pthread_self()], [0])
        XCTAssertTrue(seen.values.allSatisfy { $0.count == 1 && $0.first! >= 0 && $0.first! < 3 }, "\(seen)")
        XCTAssertEqual(Set(seen.values.map { $0.first! }).count, seen.count, "two threads share a number: \(seen)")
    }

    func testParallelForCoversEveryIndexOnce() {
        Threads.count = 2
        for n in [0, 1, 2, 7, 100, 65_537] {
            for grain in [1, 3, 1 << 15] {
                var hits = [UInt8](repeating: 0, count: n)
                hits.withUnsafeMutableBufferPointer { hits in
                    parallelFor(n, minimumPerThread: grain) { range in for i in range { hits[i] += 1 } }
                }
                XCTAssertTrue(hits.allSatisfy { $0 == 1 }, "n \(n), grain \(grain)")
            }
        }
    }

    /// A loop inside a part, and jobs submitted from several threads at once, run inline rather than
    /// deadlocking or mixing with the running job.
    func testNestedAndConcurrentJobsComplete() {
        Threads.count = 2
        let n = 1000
        var sums = [Int](repeating: 0, count: 8)
        sums.withUnsafeMutableBufferPointer { sums in
            DispatchQueue.concurrentPerform(iterations: 8) { job in
                var inner = [Int](repeating: 0, count: 2 * n)
                inner.withUnsafeMutableBufferPointer { inner in
                    parallelFor(2, minimumPerThread: 1) { outer in
                        for o in outer {
                            parallelFor(n, minimumPerThread: 1) { range in
                                for i in range { inner[o * n + i] = i + job }
                            }
                        }
                    }
                }
                sums[job] = inner.reduce(0, +)
            }
        }
        for job in 0 ..< 8 { XCTAssertEqual(sums[job], 2 * (n * (n - 1) / 2 + n * job)) }
    }

    /// Products large enough to be split, in every layout the layers use, against a double-precision
    /// reference, with leading dimensions, alpha and beta; split and unsplit agree to rounding.
    func testSplitGemmMatchesTheReferenceProduct() {
        var rng = Random(seed: 5)
        let cases: [(m: Int, n: Int, k: Int, tA: Bool, tB: Bool)] = [
            (64, 800, 784, false, true),   // Linear forward: split along n
            (800, 784, 64, true, false),   // weight gradient: split along m
            (64, 784, 800, false, false),  // input gradient
            (67, 530, 301, true, true),    // sizes off the 16-tile
            (901, 45, 77, false, false),
        ]
        for c in cases {
            let ldc = c.n + 3
            let a = Tensor(zeros: [c.m * c.k]), b = Tensor(zeros: [c.k * c.n])
            let c0 = Tensor(zeros: [c.m * ldc])
            rng.fillNormal(a)
            rng.fillNormal(b)
            rng.fillNormal(c0)
            func product(threads: Int) -> Tensor {
                Threads.count = threads
                let out = Tensor(zeros: [c.m * ldc])
                out.assign(c0)
                BLAS.gemm(a.data, transposeA: c.tA, b.data, transposeB: c.tB, into: out.data,
                          m: c.m, n: c.n, k: c.k, alpha: 0.5, beta: -2, ldc: ldc)
                return out
            }
            let split = product(threads: 2), single = product(threads: 1)
            var worst: Double = 0
            for i in 0 ..< c.m {
                for j in 0 ..< ldc {
                    let got = split.data[i * ldc + j]
                    if j >= c.n {
                        XCTAssertEqual(got, c0.data[i * ldc + j], "padding column untouched")
                        continue
                    }
                    var sum: Double = 0, magnitude: Double = 0
                    for p in 0 ..< c.k {
                        let x = c.tA ? a.data[p * c.m + i] : a.data[i * c.k + p]
                        let y = c.tB ? b.data[j * c.k + p] : b.data[p * c.n + j]
                        sum += Double(x) * Double(y)
                        magnitude += abs(Double(x) * Double(y))
                    }
                    let old = Double(c0.data[i * ldc + j])
                    let expected = 0.5 * sum - 2 * old
                    // Error relative to the sum of the terms' magnitudes: rounding in float is a few
                    // ulp of that, whatever the cancellation.
                    worst = max(worst, abs(Double(got) - expected) / (0.5 * magnitude + 2 * abs(old)))
                    XCTAssertEqual(got, single.data[i * ldc + j], accuracy: 1e-4 * (1 + abs(got)))
                }
            }
            XCTAssertLessThan(worst, 1e-6, "\(c)")
        }
    }
}
