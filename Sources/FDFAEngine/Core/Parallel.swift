import CKernels

/// How many threads fdfa computes with: its parallel loops and its GEMMs, which it splits itself
/// over single-threaded OpenBLAS calls (see `BLAS.gemm`). Defaults to the CPUs the process may use.
public enum Threads {
    public static var count: Int {
        get { Int(fdfa_pool_threads()) }
        set { fdfa_pool_set_threads(Int32(clamping: max(1, newValue))) }
    }

    /// The calling thread's number in the pool, in 0..<count (0 outside the pool's workers): for
    /// parts that keep scratch memory per thread, so that it stays in that core's cache.
    public static var current: Int { Int(fdfa_pool_thread_index()) }
}

/// Runs `body` over `0..<n` split into contiguous chunks, one per thread, when there is enough work
/// (`n >= 2 * minimumPerThread`); otherwise inline on the calling thread. Chunks are disjoint, so
/// bodies that write only their own indices need no locks, and results do not depend on the split.
/// The chunks run on fdfa's thread pool (CKernels/pool.c); a loop inside a chunk runs inline.
@inline(__always)
public func parallelFor(_ n: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = min(Threads.count, n / max(minimumPerThread, 1))
    if threads <= 1 {
        if n > 0 { body(0 ..< n) }
        return
    }
    parallelParts(threads) { part, parts in
        let range = chunk(part, of: parts, count: n)
        if !range.isEmpty { body(range) }
    }
}

/// The `part`-th of `parts` contiguous, nearly equal chunks of `0..<n`: how `parallelFor` splits.
@inline(__always)
public func chunk(_ part: Int, of parts: Int, count n: Int) -> Range<Int> { n * part / parts ..< n * (part + 1) / parts }

/// Runs `body(part, parts)` once for every part in `0..<parts`, on the caller and the pool's workers
/// (whoever claims a part first runs it), and returns when all have finished.
public func parallelParts(_ parts: Int, _ body: (_ part: Int, _ parts: Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        var job = body
        withUnsafeMutablePointer(to: &job) { context in
            fdfa_pool_run(parts, { context, part, parts in
                context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(part, parts)
            }, context)
        }
    }
}
