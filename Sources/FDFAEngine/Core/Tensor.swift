/// A float32 tensor: a shape over contiguous, row-major storage.
///
/// `Tensor` is a reference type on purpose. Training updates parameters, gradients and workspaces in
/// place, step after step, and a value type would hide copies (and allocations) in the hot loop.
/// Several tensors may share one `Storage` (see `viewed(as:)`), e.g. Flatten's output is its input
/// seen with another shape. The first dimension is the batch wherever a batch is involved.
public final class Tensor: CustomStringConvertible {
    /// The owner of a buffer of floats; freed when the last tensor viewing it goes away.
    public final class Storage {
        public let pointer: UnsafeMutablePointer<Float>
        public let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            pointer = FloatBuffer.allocate(capacity)
        }

        /// Nil when the system refuses the memory (see `Tensor(zerosIfPossible:)`).
        init?(capacityIfPossible capacity: Int) {
            guard let pointer = FloatBuffer.allocateIfPossible(capacity) else { return nil }
            self.capacity = capacity
            self.pointer = pointer
        }

        deinit { FloatBuffer.deallocate(pointer) }
    }

    public let shape: [Int]
    public let count: Int
    public let storage: Storage

    /// The first element; all `count` elements follow contiguously.
    @inlinable public var data: UnsafeMutablePointer<Float> { storage.pointer }

    /// A new tensor of zeros.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        count = shape.elementCount
        storage = Storage(capacity: count)
    }

    /// A new tensor of zeros, or nil when a dimension is negative, the element count overflows or the
    /// system refuses the memory: for shapes a user typed, where a refusal must be an error, not a trap.
    public init?(zerosIfPossible shape: [Int]) {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        guard let storage = Storage(capacityIfPossible: count) else { return nil }
        self.shape = shape
        self.count = count
        self.storage = storage
    }

    /// A new tensor holding `values` (row-major) with the given shape.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// A new tensor filled with `value`.
    public convenience init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        data.update(repeating: value, count: count)
    }

    /// A tensor over the first `shape.elementCount` floats of an existing storage (no copy).
    public init(shape: [Int], sharing storage: Storage) {
        self.shape = shape
        self.count = shape.elementCount
        precondition(count <= storage.capacity, "shape \(shape) does not fit a storage of \(storage.capacity)")
        self.storage = storage
    }

    /// The same storage seen with another shape of the same element count (no copy).
    public func viewed(as newShape: [Int]) -> Tensor {
        precondition(newShape.elementCount == count, "cannot view \(shape) as \(newShape)")
        return Tensor(shape: newShape, sharing: storage)
    }

    /// A deep copy with its own storage.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Copies `other`'s elements into this tensor (the counts must match).
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// The elements as an array (row-major); for tests, printing and files, not for hot loops.
    public var array: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    public subscript(flat index: Int) -> Float {
        get { data[index] }
        set { data[index] = newValue }
    }

    /// Number of samples (first dimension), 1 for a scalar.
    public var batch: Int { shape.first ?? 1 }

    /// Values per sample: the product of all dimensions but the first.
    public var valuesPerSample: Int { shape.count <= 1 ? 1 : shape.dropFirst().elementCount }

    public var description: String { "Tensor\(shape)" }
}
