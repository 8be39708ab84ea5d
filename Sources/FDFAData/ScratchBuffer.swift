import Glibc

/// Short-lived memory for a compressed file's bytes while they are inflated, on huge pages.
///
/// The file is read into memory rather than mapped: a mapped file that shrinks while it is read
/// (truncated by another process) makes the process crash with SIGBUS, where a read returns short
/// and becomes an error. Faulting in fresh memory 4 KiB at a time is what made a copy slower than a
/// mapping (25-35 ms for Fashion-MNIST's 26 MB of compressed training images); on 2 MiB pages
/// (`madvise`, as `FloatBuffer` does) that cost mostly goes away.
enum ScratchBuffer {
    static let hugePageSize = 1 << 21

    /// Calls `body` with `count` uninitialised bytes (to read `file` into), freed when it returns.
    static func with<Result>(_ count: Int, for file: String, _ body: (UnsafeMutableRawBufferPointer) throws -> Result) throws -> Result {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, hugePageSize, max(count, 1)) == 0, let raw else {
            throw DataError.unreadable(file: file, reason: "cannot allocate \(count) bytes to read it into")
        }
        defer { free(raw) }
        _ = madvise(raw, count, MADV_HUGEPAGE)
        return try body(UnsafeMutableRawBufferPointer(start: raw, count: count))
    }
}
