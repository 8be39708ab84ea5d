import Glibc

/// The memory under every tensor. Buffers of 2 MiB and more start on a 2 MiB boundary and are
/// marked for transparent huge pages (`madvise`, which is what this machine's kernel honours).
///
/// Why: a training step streams its parameters, gradients and Adam moments (about 20 MB for the
/// fc 2×800 network) several times over. On 4 KiB pages that is some 5000 pages a pass, far more
/// than the TLB holds, so every pass also walks page tables. On huge pages the fc FDFA and BP
/// steps ran about 5 % faster (measured side by side with `fdfa bench`). Where the kernel does
/// not grant huge pages the advice is simply ignored.
enum FloatBuffer {
    static let hugePageSize = 1 << 21
    /// Small buffers are aligned to a cache line (AVX loads never straddle one needlessly).
    static let cacheLineSize = 64

    /// `count` floats set to zero.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let huge = bytes >= hugePageSize
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, huge ? hugePageSize : cacheLineSize, bytes) == 0, let raw else {
            fatalError("out of memory: cannot allocate a tensor of \(count) floats")
        }
        if huge { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        let floats = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        floats.initialize(repeating: 0, count: max(count, 1))
        return floats
    }

    static func deallocate(_ floats: UnsafeMutablePointer<Float>) { free(floats) }
}
