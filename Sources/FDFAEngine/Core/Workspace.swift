/// A reusable buffer for a layer's output, tangent or gradient.
///
/// `tensor(_:)` hands back the same tensor while the shape stays the same, and reuses its storage
/// when the shape changes to one that fits (a smaller last batch), so steady-state training
/// allocates no tensor storage. It grows (allocates) only when a larger shape is asked for.
public struct Workspace {
    private var current: Tensor?

    public init() {}

    public mutating func tensor(_ shape: [Int]) -> Tensor {
        if let t = current {
            if t.shape == shape { return t }
            if t.storage.capacity >= shape.reduce(1, *) {
                let view = Tensor(shape: shape, sharing: t.storage)
                current = view
                return view
            }
        }
        let fresh = Tensor(zeros: shape)
        current = fresh
        return fresh
    }
}
