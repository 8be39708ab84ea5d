/// A fully connected layer, y = x Wᵀ + b, with W of shape [outputs, inputs] (PyTorch's layout).
///
/// Forward:  y  = x Wᵀ + b
/// Tangent:  dy = dx Wᵀ + x dWᵀ + db           (dW, db: the directions given for the parameters)
/// Adjoint:  dW = dyᵀ x,  db = Σ_batch dy,  dx = dy W
public final class Linear: Layer {
    public let inputs: Int
    public let outputs: Int
    public let weight: Parameter
    public let bias: Parameter

    private var input: Tensor?
    private var output = Workspace()
    private var outputTangent = Workspace()
    private var inputGradient = Workspace()

    /// PyTorch's default initialisation: W and b uniform in ±1/sqrt(inputs).
    public init(inputs: Int, outputs: Int, rng: inout Random) {
        self.inputs = inputs
        self.outputs = outputs
        let bound = 1 / Float(inputs).squareRoot()
        let w = Tensor(zeros: [outputs, inputs]), b = Tensor(zeros: [outputs])
        rng.fillUniform(w, low: -bound, high: bound)
        rng.fillUniform(b, low: -bound, high: bound)
        weight = Parameter("weight", w)
        bias = Parameter("bias", b)
    }

    public var description: String { "Linear(\(inputs) → \(outputs))" }
    public var inputShape: [Int] { [inputs] }
    public var outputShape: [Int] { [outputs] }
    public var parameters: [Parameter] { [weight, bias] }
    public var multiplyAdds: Int { inputs * outputs }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        input = x
        let y = output.tensor([x.batch, outputs])
        BLAS.gemm(x.data, weight.value.data, transposeB: true, into: y.data, m: x.batch, n: outputs, k: inputs)
        addRowVector(bias.value.data, to: y.data, rows: x.batch, columns: outputs)
        return y
    }

    public func tangent(_ dx: Tensor?, along directions: [Tensor?]) -> Tensor? {
        let x = input!, dW = directions.direction(0), db = directions.direction(1)
        guard dx != nil || dW != nil || db != nil else { return nil }
        let dy = outputTangent.tensor([x.batch, outputs])
        var beta: Float = 0
        if let dx {
            BLAS.gemm(dx.data, weight.value.data, transposeB: true, into: dy.data, m: x.batch, n: outputs, k: inputs)
            beta = 1
        }
        if let dW {
            BLAS.gemm(x.data, dW.data, transposeB: true, into: dy.data, m: x.batch, n: outputs, k: inputs, beta: beta)
            beta = 1
        }
        if beta == 0 { dy.fill(0) }
        if let db { addRowVector(db.data, to: dy.data, rows: x.batch, columns: outputs) }
        return dy
    }

    public func adjoint(_ dy: Tensor, needInputGradient: Bool) -> Tensor? {
        let x = input!
        BLAS.gemm(dy.data, transposeA: true, x.data, into: weight.grad.data, m: outputs, n: inputs, k: x.batch)
        sumRows(dy.data, rows: x.batch, columns: outputs, into: bias.grad.data)
        guard needInputGradient else { return nil }
        let dx = inputGradient.tensor(x.shape)
        BLAS.gemm(dy.data, weight.value.data, into: dx.data, m: x.batch, n: inputs, k: outputs)
        return dx
    }
}
