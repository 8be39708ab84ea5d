import Foundation

/// fdfa's one random number generator: Philox-4x32-10 (Salmon et al., SC'11), counter based.
///
/// Why counter based: a draw is a pure function of (seed, counter), so a big fill can be split over
/// threads and still give bit-identical numbers whatever the thread count, run after run. The
/// generator keeps a 128-bit counter; every block of 4 outputs uses one counter value.
///
/// - `uniform`: 24-bit floats in [0, 1): `(word >> 8) * 2^-24`.
/// - `normal`: Box–Muller on pairs of uniforms (the first uniform mapped into (0, 1]), both outputs used.
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

    // MARK: Philox-4x32-10

    @inline(__always)
    static func block(key: UInt64, counter: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        var c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
        var c2: UInt32 = 0x5EED_F00D, c3: UInt32 = 0
        var k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
        for _ in 0 ..< 10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let n0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0
            let n1 = UInt32(truncatingIfNeeded: p1)
            let n2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1
            let n3 = UInt32(truncatingIfNeeded: p0)
            c0 = n0; c1 = n1; c2 = n2; c3 = n3
            k0 = k0 &+ 0x9E37_79B9
            k1 = k1 &+ 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    @inline(__always) static func unit(_ w: UInt32) -> Float { Float(w >> 8) * 0x1p-24 }

    @inline(__always) static func pick(_ v: (Float, Float, Float, Float), _ j: Int) -> Float {
        switch j {
        case 0: return v.0
        case 1: return v.1
        case 2: return v.2
        default: return v.3
        }
    }

    /// Reserves `blocks` counter values and returns the first.
    mutating func take(blocks: Int) -> UInt64 {
        let start = counter
        counter &+= UInt64(blocks)
        return start
    }

    // MARK: Fills

    /// Fills `n` floats uniform in [low, high).
    public mutating func fillUniform(_ p: UnsafeMutablePointer<Float>, count n: Int, low: Float = 0, high: Float = 1) {
        let blocks = (n + 3) / 4
        let start = take(blocks: blocks)
        let key = seed, scale = high - low
        parallelFor(blocks, minimumPerThread: 4096) { range in
            for b in range {
                let (w0, w1, w2, w3) = Random.block(key: key, counter: start &+ UInt64(b))
                let u = (Random.unit(w0), Random.unit(w1), Random.unit(w2), Random.unit(w3))
                for j in 0 ..< min(4, n - 4 * b) { p[4 * b + j] = low + scale * Random.pick(u, j) }
            }
        }
    }

    /// Fills `n` floats with standard normal draws (mean 0, variance 1).
    public mutating func fillNormal(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        let blocks = (n + 3) / 4
        let start = take(blocks: blocks)
        let key = seed
        parallelFor(blocks, minimumPerThread: 2048) { range in
            for b in range {
                let (w0, w1, w2, w3) = Random.block(key: key, counter: start &+ UInt64(b))
                let (z0, z1) = Random.boxMuller(w0, w1)
                let (z2, z3) = Random.boxMuller(w2, w3)
                let z = (z0, z1, z2, z3)
                for j in 0 ..< min(4, n - 4 * b) { p[4 * b + j] = Random.pick(z, j) }
            }
        }
    }

    @inline(__always) static func boxMuller(_ a: UInt32, _ b: UInt32) -> (Float, Float) {
        let u1 = Float((a >> 8) + 1) * 0x1p-24 // (0, 1]: log never sees 0
        let u2 = Random.unit(b)
        let r = (-2 * logf(u1)).squareRoot()
        let theta = 2 * Float.pi * u2
        return (r * cosf(theta), r * sinf(theta))
    }

    public mutating func fillUniform(_ t: Tensor, low: Float = 0, high: Float = 1) {
        fillUniform(t.data, count: t.count, low: low, high: high)
    }

    public mutating func fillNormal(_ t: Tensor) { fillNormal(t.data, count: t.count) }

    /// One uniform float in [0, 1).
    public mutating func nextUniform() -> Float {
        let (w, _, _, _) = Random.block(key: seed, counter: take(blocks: 1))
        return Random.unit(w)
    }

    /// A uniform integer in 0..<n, unbiased (rejection sampling on 64-bit words).
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let (w0, w1, _, _) = Random.block(key: seed, counter: take(blocks: 1))
            let x = UInt64(w0) << 32 | UInt64(w1)
            if x < limit { return Int(x % bound) }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0 ..< n)
        var i = n - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            p.swapAt(i, j)
            i -= 1
        }
        return p
    }
}
