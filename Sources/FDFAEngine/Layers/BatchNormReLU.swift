/// A BatchNorm and the ReLU directly above it, run as one by `Network`: the same numbers as the two
/// layers one after the other, in fewer passes over the activations. Both stay layers of their own
/// (the layer list, checkpoints and each layer's maps are unchanged); this only schedules them.
///
/// Forward:  r = max(γ x̂ + β, 0), written by BatchNorm's normalising pass into the ReLU's output
///           (BatchNorm's own y, which only the ReLU reads, is not written)
/// Tangent:  dr = dy ⊙ [r > 0], the mask applied as BatchNorm's projection writes dy (into the
///           ReLU's tangent buffer; BatchNorm's own dy is not written)
/// Adjoint:  BatchNorm's adjoint of dr ⊙ [r > 0], the mask applied as its sums and its projection
///           read dr (the ReLU's dy is not written)
/// Saved per block and step: the ReLU's passes (a read and a write of the activations each) in all
/// three maps. BatchNormReLUTests checks every map against the two layers' own.
struct BatchNormReLU {
    let norm: BatchNorm
    let relu: ReLU

    func forward(_ x: Tensor, mode: Mode) -> Tensor {
        let r = relu.outputBuffer(x.shape)
        norm.forward(x, mode: mode, rectifyingInto: r)
        return r
    }

    func tangent(_ dx: Tensor?, along directions: [Tensor?]) -> Tensor? {
        norm.tangent(dx, along: directions, rectifiedBy: relu.mask, into: relu.tangentBuffer())
    }

    /// The ReLU's input gradient is always needed (the BatchNorm below has parameters), so only the
    /// BatchNorm's need is asked.
    func adjoint(_ dr: Tensor, needInputGradient: Bool) -> Tensor? {
        norm.adjoint(dr, maskedBy: relu.mask, needInputGradient: needInputGradient)
    }
}
