/// The backward pass of a rule with signals (DFA, DKP, FDFA, FG-A), cut at the taps.
///
/// Every tap replaces the gradient from above with the rule's signal δ_l, so the layers between two
/// taps (a segment) need nothing from the layers above them: the segments are independent. When no
/// segment is much more than its share of the work, they run side by side, one per thread and
/// single-threaded inside, so no thread waits while another runs a segment's small elementwise
/// passes (fc 2×800: two nearly equal hidden segments; the step's ratio to its GEMM floor is 2–3 %
/// lower in paired runs). Otherwise they run one after the other, each using every thread: the
/// shallow CNN's second convolution is 90 % of its work, and run side by side its step was about
/// 10 % slower.
struct BackwardSegments {
    struct Segment {
        /// The tap whose signal enters the segment; `nil` for the top one, which gets dL/dlogits.
        let tap: Tap?
        /// The layers of the segment, in network order; none of them is a tap.
        let layers: Range<Int>
        /// The gradients its layers write, gathered once so that a step builds no arrays.
        let gradients: [Tensor]
        /// The segment's work: its layers' multiply-adds per sample.
        let multiplyAdds: Int
    }

    /// Largest first, so that threads claiming them in order finish close together.
    let segments: [Segment]

    init(_ network: Network) {
        var segments: [Segment] = [], top = network.layers.count, entry: Tap? = nil
        func cut(_ layers: Range<Int>) {
            let members = network.layers[layers]
            segments.append(Segment(tap: entry, layers: layers, gradients: members.flatMap { $0.parameters.map(\.grad) },
                                    multiplyAdds: members.reduce(0) { $0 + $1.multiplyAdds }))
        }
        for (i, layer) in network.layers.enumerated().reversed() {
            guard let tap = layer as? Tap else { continue }
            cut(i + 1 ..< top)
            entry = tap
            top = i
        }
        cut(0 ..< top)
        self.segments = segments.sorted { $0.multiplyAdds > $1.multiplyAdds }
    }

    /// Whether the segments run side by side on `threads` threads: only when the largest is at most
    /// 1.2 times an even share of the work, so that the threads finish close together.
    func sideBySide(threads: Int) -> Bool {
        let total = segments.reduce(0) { $0 + $1.multiplyAdds }
        return threads > 1 && segments.count > 1 && 5 * threads * segments[0].multiplyAdds <= 6 * total
    }

    /// Runs `body` once for every segment (its index in `segments`), side by side when that pays.
    func forEach(_ body: (Int) -> Void) {
        if sideBySide(threads: Threads.count) {
            parallelParts(segments.count) { part, _ in body(part) }
        } else {
            for part in segments.indices { body(part) }
        }
    }
}
