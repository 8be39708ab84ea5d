import Dispatch

/// How many threads fdfa's own parallel loops use (OpenBLAS has its own setting; see `BLAS.threads`).
/// Defaults to the machine's active cores.
public enum Threads {
    nonisolated(unsafe) public static var count: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
}

import Foundation

/// Runs `body` over `0..<n` split into contiguous chunks, one per thread, when there is enough work
/// (`n >= 2 * minimumPerThread`); otherwise inline on the calling thread. Chunks are disjoint, so
/// bodies that write only their own indices need no locks, and results do not depend on the split.
@inline(__always)
public func parallelFor(_ n: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = min(Threads.count, n / max(minimumPerThread, 1))
    if threads <= 1 {
        if n > 0 { body(0 ..< n) }
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let lo = n * t / threads, hi = n * (t + 1) / threads
            if lo < hi { body(lo ..< hi) }
        }
    }
}
