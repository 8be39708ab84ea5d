import Glibc

/// A file's bytes mapped read-only into memory: how a gzip'd file is inflated without being copied
/// into memory of its own first.
///
/// Reading Fashion-MNIST's 26 MB of compressed training images into a fresh array costs a fresh
/// process 25-35 ms, most of it faulting in the new pages; a mapping costs ~2 ms, its pages being the
/// kernel's file cache itself, and that is on the critical path of loading the data set.
///
/// The catch: a file truncated while it is mapped makes reading its lost pages crash the process
/// (SIGBUS) instead of raising an error. So a mapping lives only while `body` runs, and only data
/// files are mapped, which are replaced, never rewritten in place: `fdfa download` and dpkg both
/// write a new file and rename it over the old one, which leaves a mapping of the old one intact.
enum MappedFile {
    /// Calls `body` with the bytes of the regular, non-empty file at `path`.
    static func withBytes<Result>(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let (fd, size) = try FileBytes.openRegularFile(path)
        defer { close(fd) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw DataError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        defer { munmap(address, size) }
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }
}
