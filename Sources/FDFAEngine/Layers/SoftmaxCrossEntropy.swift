import Foundation

/// The loss: mean over the batch of softmax cross-entropy, with its gradient e = dL/dy.
///
/// L = (1/B) Σ_i [ logsumexp(y_i) − y_i[t_i] ],   e_i = (softmax(y_i) − onehot(t_i)) / B.
public struct SoftmaxCrossEntropy {
    private var error = Workspace()
    private var exponentials = Workspace()

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
        let b = logits.batch, k = logits.valuesPerSample
        precondition(labels.count == b, "\(labels.count) labels for a batch of \(b)")
        let e = error.tensor([b, k])
        var total: Double = 0
        var correct = 0
        let invB = 1 / Float(b)
        for i in 0 ..< b {
            let g = e.data + i * k, target = Int(labels[i])
            let row = Self.row(logits.data + i * k, classes: k, target: target, exponentials: g)
            if row.argmax == target { correct += 1 }
            total += Double(row.loss)
            for j in 0 ..< k { g[j] *= invB / row.sum }
            g[target] -= invB
        }
        return Result(loss: Float(total / Double(b)), correct: correct, error: e)
    }

    /// Evaluation without the gradient, for a batch that stands for several smaller ones: the
    /// batch-mean loss of each group of `groupSize` consecutive rows (the last group may be
    /// shorter), added up, and the correct count. Each group's mean is exactly what `evaluate` gives
    /// for those rows alone, so one large forward pass reports the reference's per-batch test loss.
    public mutating func groupedLoss(logits: Tensor, labels: [Int32], groupSize: Int)
        -> (sumOfGroupMeans: Double, groups: Int, correct: Int) {
        let b = logits.batch, k = logits.valuesPerSample
        precondition(labels.count == b, "\(labels.count) labels for a batch of \(b)")
        precondition(groupSize > 0, "group size must be positive")
        let scratch = exponentials.tensor([k]).data
        var sum: Double = 0, groups = 0, correct = 0
        for start in stride(from: 0, to: b, by: groupSize) {
            let end = min(start + groupSize, b)
            var total: Double = 0
            for i in start ..< end {
                let target = Int(labels[i])
                let row = Self.row(logits.data + i * k, classes: k, target: target, exponentials: scratch)
                if row.argmax == target { correct += 1 }
                total += Double(row.loss)
            }
            sum += Double(Float(total / Double(end - start)))
            groups += 1
        }
        return (sum, groups, correct)
    }

    /// One row of logits y: its argmax, exp(y_j − max y) into `exponentials`, their sum, and the
    /// loss logsumexp(y) − y[target].
    private static func row(_ y: UnsafePointer<Float>, classes k: Int, target: Int,
                            exponentials: UnsafeMutablePointer<Float>) -> (argmax: Int, sum: Float, loss: Float) {
        var best = 0
        for j in 1 ..< k where y[j] > y[best] { best = j }
        let m = y[best]
        var sum: Float = 0
        for j in 0 ..< k {
            exponentials[j] = expf(y[j] - m)
            sum += exponentials[j]
        }
        return (best, sum, logf(sum) + m - y[target])
    }
}
