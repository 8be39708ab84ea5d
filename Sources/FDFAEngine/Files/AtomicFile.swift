import Glibc

/// Whole files written all or nothing: the bytes go to a temporary file in the same directory,
/// are flushed to the disk, and the temporary is renamed over the target (atomic on POSIX), so a
/// reader — or a run resumed after kill -9 or a full disk — sees the old file or the whole new one.
///
/// The temporary is `.{name}.{pid}.tmp`. On any failure it is removed before the error is thrown;
/// one left by a killed process is removed by `removeStaleTemporaries` at the next start.
/// (Foundation's `atomically: true` is not used: on Linux it leaves `.dat.nosync*` files behind
/// when it fails.)
public enum AtomicFile {
    /// Writes `bytes` to `path` (whose directory must exist); throws `FileError` and leaves
    /// `path` as it was on failure.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        // A device, FIFO or socket at `path` is refused, not renamed over: run as root,
        // `dump(t, "/dev/null")` replaced /dev/null with a regular file for every process.
        var info = stat()
        if lstat(path, &info) == 0, ![S_IFREG, S_IFLNK, S_IFDIR].contains(info.st_mode & S_IFMT) {
            throw FileError(path: path, reason: "it is a device, FIFO or socket, not a regular file; refusing to replace it")
        }
        let temporary = temporaryPath(for: path, pid: getpid())
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        var failure: Int32 = 0
        var done = 0
        while done < bytes.count, failure == 0 {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n > 0 { done += n } else if n < 0, errno == EINTR { continue } else { failure = n < 0 ? errno : EIO }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw FileError(path: path, errno: failure)
        }
    }

    /// Writes `bytes` to `path` atomically (see `write(_:to:)`).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write($0, to: path) }
    }

    /// Writes `text` as UTF-8 to `path` atomically (see `write(_:to:)`).
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// The temporary that process `pid` writes `path` through.
    static func temporaryPath(for path: String, pid: Int32) -> String {
        let (directory, name) = split(path)
        return directory + "." + name + ".\(pid).tmp"
    }

    /// Removes the temporaries beside `path` whose writer is no longer running (a process killed
    /// while it wrote), so that they do not pile up and fill the disk.
    public static func removeStaleTemporaries(beside path: String) {
        let (directory, name) = split(path)
        guard let dir = opendir(directory.isEmpty ? "." : directory) else { return }
        defer { closedir(dir) }
        let prefix = "." + name + ".", suffix = ".tmp"
        while let entry = readdir(dir) {
            let file = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard file.hasPrefix(prefix), file.hasSuffix(suffix),
                  let pid = Int32(file.dropFirst(prefix.count).dropLast(suffix.count)), pid > 0,
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            unlink(directory + file)
        }
    }

    /// The directory part of `path` (with its trailing slash, or empty) and the file name.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }
}
