import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads whole files into memory, transparently gunzipping `.gz` content (detected by its magic
/// bytes, not its name), with errors that say which file and why.
enum FileBytes {
    /// The largest decompressed size we accept: Fashion-MNIST's biggest file is 47 MB and the CIFAR
    /// archives are under 200 MB, so anything beyond this is a corrupt or malicious stream.
    static let defaultInflateLimit = 512 << 20

    /// The file's bytes, decompressed if it is gzip. Empty files and directories are errors.
    static func read(_ path: String, inflateLimit: Int = defaultInflateLimit) throws -> [UInt8] {
        // gzip is inflated straight from the file's mapping (see `MappedFile` for why); other
        // files are read, as they become the data set's storage anyway.
        let inflated = try MappedFile.withBytes(path) { bytes in
            Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, file: path, limit: inflateLimit) : nil
        }
        return try inflated ?? readRaw(path)
    }

    /// The file's bytes exactly as stored.
    static func readRaw(_ path: String) throws -> [UInt8] {
        let (fd, size) = try openRegularFile(path)
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < size {
                let n = Glibc.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    throw DataError.unreadable(file: path, reason: n == 0
                        ? "file shrank while reading (\(done) of \(size) bytes)"
                        : String(cString: strerror(errno)))
                }
                done += n
            }
        }
        return bytes
    }

    /// Opens the regular, non-empty file at `path` for reading: its descriptor (the caller closes
    /// it) and size.
    static func openRegularFile(_ path: String) throws -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.unreadable(file: path, reason: String(cString: strerror(errno))) }
        do {
            return (fd, try regularFileSize(fd, path: path))
        } catch {
            close(fd)
            throw error
        }
    }

    /// The size of the open file `fd`, which must be a regular, non-empty file.
    private static func regularFileSize(_ fd: Int32, path: String) throws -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw DataError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let what = (info.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw DataError.unreadable(file: path, reason: "is \(what), expected a data file")
        }
        let size = Int(info.st_size)
        guard size > 0 else { throw DataError.malformed(file: path, reason: "empty file") }
        return size
    }

    /// Whether anything exists at `path`: a directory where a data file should be counts, so that
    /// it is reported as an error instead of being skipped over.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` is a non-empty regular file (checked without reading it).
    static func isNonEmptyFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0
    }
}
