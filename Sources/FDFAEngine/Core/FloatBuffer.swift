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

    /// `count` floats set to zero; the process stops if the system refuses the memory (the engine
    /// sizes its own buffers, so a refusal there is a bug, not input).
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        guard let floats = allocateIfPossible(count) else {
            fatalError("out of memory: cannot allocate a tensor of \(count) floats")
        }
        return floats
    }

    /// `count` floats set to zero, or nil when the byte count overflows or the system refuses the
    /// memory: the path for sizes a user chose, where a refusal is an error to report.
    static func allocateIfPossible(_ count: Int) -> UnsafeMutablePointer<Float>? {
        let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow else { return nil }
        let huge = bytes >= hugePageSize
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, huge ? hugePageSize : cacheLineSize, bytes) == 0, let raw else { return nil }
        if huge { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        let floats = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        floats.initialize(repeating: 0, count: max(count, 1))
        return floats
    }

    static func deallocate(_ floats: UnsafeMutablePointer<Float>) { free(floats) }
}
