/// Adam (Kingma & Ba) with L2 weight decay added to the gradient, exactly as PyTorch's `torch.optim.Adam`:
///
///     g ← g + λ θ;   m ← β₁ m + (1−β₁) g;   v ← β₂ v + (1−β₂) g²
///     θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
///
/// One instance serves one group of tensors (the forward parameters, or the feedback matrices), each
/// with its moment buffers allocated once. The elementwise update is a C kernel (CKernels/adam.c):
/// Swift's square root does not vectorise on Linux, and this loop touches every parameter each step.
public final class Adam {
    public var learningRate: Float
    public var weightDecay: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// Number of updates made so far (t in the formulas); settable so a checkpoint can restore it.
    public var steps: Int = 0
    /// First and second moments, one pair per tensor, in the order the tensors were registered.
    public let moments: [(m: Tensor, v: Tensor)]

    public init(shapes: [[Int]], learningRate: Float, weightDecay: Float = 0,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        moments = shapes.map { (Tensor(zeros: $0), Tensor(zeros: $0)) }
    }

    /// One update of `values[i]` along `gradients[i]`, for every registered tensor.
    public func update(values: [Tensor], gradients: [Tensor]) {
        precondition(values.count == moments.count && gradients.count == moments.count)
        steps += 1
        let t = Float(steps)
        let stepSize = learningRate / (1 - powf(beta1, t))
        let rootCorrection2 = (1 - powf(beta2, t)).squareRoot()
        for (i, (m, v)) in moments.enumerated() {
            let p = values[i].data, g = gradients[i].data
            parallelFor(m.count, minimumPerThread: 1 << 16) { range in
                let o = range.lowerBound
                fdfa_adam(p + o, g + o, m.data + o, v.data + o, range.count,
                          beta1, beta2, weightDecay, stepSize, rootCorrection2, epsilon)
            }
        }
    }
}

import CKernels
import Foundation
