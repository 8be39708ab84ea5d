import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads whole files into memory, transparently gunzipping `.gz` content (detected by its magic
/// bytes, not its name), with errors that say which file and why (`DataError`): a missing file,
/// a directory, a FIFO, an empty or unreadable file is refused in words, never a trap or a hang.
public enum FileBytes {
    /// The largest decompressed size we accept: Fashion-MNIST's biggest file is 47 MB and the CIFAR
    /// archives are under 200 MB, so anything beyond this is a corrupt or malicious stream.
    static let defaultInflateLimit = 512 << 20
    /// The most bytes one `pread` asks for: the unit of work between two looks at Ctrl-C.
    static let chunkSize = 8 << 20

    /// The file's bytes, decompressed if it is gzip. Empty files and directories are errors.
    static func read(_ path: String, inflateLimit: Int = defaultInflateLimit) throws -> [UInt8] {
        let (fd, size) = try openRegularFile(path)
        defer { close(fd) }
        var magic: [UInt8] = [0, 0]
        guard pread(fd, &magic, 2, 0) == 2, magic.withUnsafeBytes(Gzip.isGzip) else {
            // Not gzip: the bytes become the data set's storage as they are.
            return try readArray(fd, size: size, path: path)
        }
        return try ScratchBuffer.with(size, for: path) { buffer in
            try readAll(fd, into: buffer, path: path)
            return try Gzip.decompress(UnsafeRawBufferPointer(buffer), file: path, limit: inflateLimit)
        }
    }

    /// The file's bytes exactly as stored.
    public static func readRaw(_ path: String) throws -> [UInt8] {
        let (fd, size) = try openRegularFile(path)
        defer { close(fd) }
        return try readArray(fd, size: size, path: path)
    }

    /// The first `size` bytes of the open file `fd`.
    private static func readArray(_ fd: Int32, size: Int, path: String) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            try readAll(fd, into: UnsafeMutableRawBufferPointer(buffer), path: path)
            count = size
        }
    }

    /// Fills `buffer` from the start of the open file `fd`; a file that shrank under it is an error.
    /// Reads in chunks of `chunkSize` and stops between them on Ctrl-C (`DataError.interrupted`),
    /// since a large file on a slow disk or network share can take minutes.
    static func readAll(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws {
        var done = 0
        while done < buffer.count {
            try DataError.throwIfInterrupted()
            let n = pread(fd, buffer.baseAddress! + done, min(chunkSize, buffer.count - done), off_t(done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw DataError.unreadable(file: path, reason: n == 0
                    ? "file shrank while reading (\(done) of \(buffer.count) bytes)"
                    : systemReason(errno))
            }
            done += n
        }
    }

    /// Opens the regular, non-empty file at `path` for reading: its descriptor (the caller closes
    /// it) and size.
    static func openRegularFile(_ path: String) throws -> (fd: Int32, size: Int) {
        // O_NONBLOCK so that a FIFO in a data file's place is refused (by the check below) instead
        // of waiting for a writer; it changes nothing for regular files.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DataError.unreadable(file: path, reason: systemReason(errno)) }
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
            throw DataError.unreadable(file: path, reason: systemReason(errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let what = (info.st_mode & S_IFMT) == S_IFDIR ? "a directory, not a file" : "not a regular file (a FIFO, socket or device)"
            throw DataError.unreadable(file: path, reason: "is \(what)")
        }
        let size = Int(info.st_size)
        guard size > 0 else { throw DataError.malformed(file: path, reason: "empty file") }
        return size
    }

    /// What `code` (an errno) means, in lower case as it reads inside a sentence: "no such file or
    /// directory", "permission denied", "is a directory".
    static func systemReason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Whether anything exists at `path`: a directory where a data file should be counts, so that
    /// it is reported as an error instead of being skipped over.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` is a non-empty regular file (checked without reading it).
    static func isNonEmptyFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0
    }
}
