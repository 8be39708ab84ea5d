import Foundation

/// The loss: mean over the batch of softmax cross-entropy, with its gradient e = dL/dy.
///
/// L = (1/B) Σ_i [ logsumexp(y_i) − y_i[t_i] ],   e_i = (softmax(y_i) − onehot(t_i)) / B.
public struct SoftmaxCrossEntropy {
    private var error = Workspace()

    public init() {}

    public struct Result {
        /// Batch-mean loss.
        public let loss: Float
        /// Samples whose largest logit is the target (ties go to the lowest index, as argmax does).
        public let correct: Int
        /// e = dL/dlogits, batch × classes (the 1/B is included).
        public let error: Tensor
    }

    public mutating func evaluate(logits: Tensor, labels: [Int32]) -> Result {
        let b = logits.batch, k = logits.sampleCount
        precondition(labels.count == b, "\(labels.count) labels for a batch of \(b)")
        let e = error.tensor([b, k])
        var total: Double = 0
        var correct = 0
        let invB = 1 / Float(b)
        for i in 0 ..< b {
            let y = logits.data + i * k, g = e.data + i * k
            var best = 0
            for j in 1 ..< k where y[j] > y[best] { best = j }
            let target = Int(labels[i])
            if best == target { correct += 1 }
            let m = y[best]
            var sum: Float = 0
            for j in 0 ..< k {
                g[j] = expf(y[j] - m)
                sum += g[j]
            }
            total += Double(logf(sum) + m - y[target])
            for j in 0 ..< k { g[j] *= invB / sum }
            g[target] -= invB
        }
        return Result(loss: Float(total / Double(b)), correct: correct, error: e)
    }
}
