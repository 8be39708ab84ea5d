import FDFAEngine

/// Small networks and a separable problem, shared by the analysis tests.
enum Fixtures {
    /// linear → tap → linear → tap → linear: no nonlinearity, so J_2 = W_3 and J_1 = W_3 W_2 exactly.
    static func linearNet(seed: UInt64 = 1) -> Network {
        try! Network(inputShape: [6], specs: [.linear(outputs: 5), .tap, .linear(outputs: 4), .tap, .linear(outputs: 3)], seed: seed)
    }

    /// (linear → relu → tap) per width → linear: samples do not interact.
    static func reluNet(hidden: [Int] = [5, 4], seed: UInt64 = 1) -> Network {
        let specs = hidden.flatMap { [LayerSpec.linear(outputs: $0), .relu, .tap] }
        return try! Network(inputShape: [6], specs: specs + [.linear(outputs: 3)], seed: seed)
    }

    /// The fc preset's shape (linear → batchnorm → relu → tap per width): BatchNorm couples samples.
    static func batchNormNet(hidden: [Int] = [5, 4], seed: UInt64 = 1) -> Network {
        try! Network.fc(input: [6], hidden: hidden, classes: 3, seed: seed)
    }

    /// x ~ N(0, I) in 6 dimensions, label = argmax of a fixed linear map of x into 3 classes.
    static func problem(samples: Int, seed: UInt64 = 99) -> (images: Tensor, labels: [Int32]) {
        var rng = Random(seed: seed)
        let x = Tensor(zeros: [samples, 6]), w = Tensor(zeros: [3, 6])
        rng.fillNormal(x)
        rng.fillNormal(w)
        let labels = (0 ..< samples).map { i -> Int32 in
            let scores = (0 ..< 3).map { c in (0 ..< 6).reduce(Float(0)) { $0 + w.data[c * 6 + $1] * x.data[i * 6 + $1] } }
            return Int32(scores.indices.max { scores[$0] < scores[$1] }!)
        }
        return (x, labels)
    }

    /// A × B for row-major matrices given as tensors.
    static func product(_ a: Tensor, _ b: Tensor) -> [Float] {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        var out = [Float](repeating: 0, count: m * n)
        for i in 0 ..< m { for j in 0 ..< n { for r in 0 ..< k { out[i * n + j] += a.data[i * k + r] * b.data[r * n + j] } } }
        return out
    }
}
