/// The reference's pixel preprocessing: ToTensor (x / 255) then Normalize(0.5, 0.5), i.e.
/// (x / 255 − 0.5) / 0.5, computed in float32 as PyTorch does. A byte has only 256 values, so a
/// lookup table gives bit-identical results to the formula at a fraction of the cost.
enum PixelScale {
    static let table: [Float] = (0 ..< 256).map { (Float($0) / 255 - 0.5) / 0.5 }

    /// Writes `count` normalised floats from `bytes` to `out`.
    @inline(__always)
    static func convert(_ bytes: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<Float>, count: Int,
                        table: UnsafePointer<Float>) {
        for i in 0 ..< count { out[i] = table[Int(bytes[i])] }
    }
}
