import FDFAEngine

/// How a split holds its samples, one after another. Real data sets keep their files' pixel bytes, a
/// quarter of the memory of floats (47 MB instead of 188 MB for Fashion-MNIST's training images), and
/// normalise them only on the way into a batch, through `PixelScale`'s table, which gives the same
/// floats as normalising up front. Synthetic data is defined on floats and keeps them.
enum SampleStorage {
    /// Pixel bytes as in the files. A slice, so that an IDX file's header need not be copied away.
    case pixels(ArraySlice<UInt8>)
    /// Values ready to use.
    case floats(Tensor)

    /// Writes the `count` values starting at value `offset` to `out` as (normalised) floats.
    func copy(from offset: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .pixels(let bytes):
            bytes.withUnsafeBufferPointer { bytes in
                PixelScale.table.withUnsafeBufferPointer { table in
                    PixelScale.convert(bytes.baseAddress! + offset, out, count: count, table: table.baseAddress!)
                }
            }
        case .floats(let values):
            out.update(from: values.data + offset, count: count)
        }
    }
}
