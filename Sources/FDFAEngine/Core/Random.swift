import CKernels

/// fdfa's one random number generator: Philox-4x32-10 (Salmon et al., SC'11), counter based.
///
/// Why counter based: a draw is a pure function of (seed, block number), so a big fill can be split
/// over threads and still give bit-identical numbers whatever the thread count, run after run. The
/// generator's state is just (seed, counter): `counter` blocks of 4 words have been used so far.
/// The kernels are in C (Sources/CKernels/random.c) so that they vectorise.
///
/// - uniform: 24-bit floats in [0, 1): `(word >> 8) · 2⁻²⁴`.
/// - normal: Box–Muller on word pairs (the first uniform mapped into (0, 1] so the log is finite),
///   both outputs used, with polynomial log and sin/cos that give the same bits on every machine.
public struct Random {
    public private(set) var seed: UInt64
    /// Number of 4-word blocks consumed so far.
    public private(set) var counter: UInt64 = 0

    public init(seed: UInt64) { self.seed = seed }

    /// Restores a generator at a given position (checkpoints store `seed` and `counter`).
    public init(seed: UInt64, counter: UInt64) {
        self.seed = seed
        self.counter = counter
    }

    /// A seed from the system's entropy, for `--seed -1` (unseeded runs).
    public static func entropySeed() -> UInt64 { UInt64.random(in: 0 ... UInt64.max) }

    /// Reserves enough blocks for `count` floats and returns the first block's number.
    private mutating func take(floats count: Int) -> UInt64 {
        let start = counter
        counter &+= UInt64((count + 3) / 4)
        return start
    }

    /// Fills `count` floats, splitting the blocks over threads; every chunk starts on a block.
    private mutating func fill(_ p: UnsafeMutablePointer<Float>, count: Int,
                               _ kernel: (UnsafeMutablePointer<Float>, Int, UInt64, UInt64) -> Void) {
        let start = take(floats: count), key = seed
        let blocks = (count + 3) / 4
        parallelFor(blocks, minimumPerThread: 4096) { range in
            let first = 4 * range.lowerBound, last = min(4 * range.upperBound, count)
            kernel(p + first, last - first, key, start &+ UInt64(range.lowerBound))
        }
    }

    /// Fills `count` floats uniform in [low, high).
    public mutating func fillUniform(_ p: UnsafeMutablePointer<Float>, count: Int, low: Float = 0, high: Float = 1) {
        fill(p, count: count) { fdfa_fill_uniform($0, $1, $2, $3, low, high) }
    }

    /// Fills `count` floats with standard normal draws (mean 0, variance 1).
    public mutating func fillNormal(_ p: UnsafeMutablePointer<Float>, count: Int) {
        fill(p, count: count) { fdfa_fill_normal($0, $1, $2, $3) }
    }

    public mutating func fillUniform(_ t: Tensor, low: Float = 0, high: Float = 1) {
        fillUniform(t.data, count: t.count, low: low, high: high)
    }

    public mutating func fillNormal(_ t: Tensor) { fillNormal(t.data, count: t.count) }

    /// The four words of the next block.
    private mutating func nextBlock() -> (UInt32, UInt32, UInt32, UInt32) {
        var w: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        let block = take(floats: 4)
        withUnsafeMutableBytes(of: &w) { fdfa_philox(seed, block, $0.baseAddress!.assumingMemoryBound(to: UInt32.self)) }
        return w
    }

    /// One uniform float in [0, 1) (one block).
    public mutating func nextUniform() -> Float { Float(nextBlock().0 >> 8) * 0x1p-24 }

    /// A uniform integer in 0..<n, unbiased (rejection sampling on 64-bit words, one block per try).
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let (w0, w1, _, _) = nextBlock()
            let x = UInt64(w0) << 32 | UInt64(w1)
            if x < limit { return Int(x % bound) }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0 ..< n)
        var i = n - 1
        while i > 0 {
            p.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
        return p
    }
}
