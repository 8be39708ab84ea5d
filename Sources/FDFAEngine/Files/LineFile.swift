import Glibc

/// A log that grows a line at a time (the CSV logs of training runs and tracked quantities), each
/// line on the disk whole or not at all: a line is flushed as soon as it is written, and when a
/// write fails part way (a full disk) the file is cut back to where the line began, so it never
/// ends in half a row that looks like data.
public final class LineFile {
    public let path: String
    private var fd: Int32
    private var size: off_t

    /// Creates (or empties) the file at `path`, whose directory must exist.
    public convenience init(creating path: String) throws {
        try self.init(path: path, flags: O_CREAT | O_TRUNC)
    }

    /// Creates the file at `path`, whose directory must exist, or returns nil when a file of that
    /// name exists already (checked and created in one system call, so no other process can come between).
    public static func creatingNew(_ path: String) throws -> LineFile? {
        do {
            return try LineFile(path: path, flags: O_CREAT | O_EXCL)
        } catch let error as FileError where error.code == EEXIST {
            return nil
        }
    }

    /// Opens the existing file at `path` to append after its first lines: `keeping` is given the
    /// file's lines (see `lines(of:)`) and says how many stay. Whatever follows them (rows a resumed
    /// run replaces, or a line whose write was cut short) is cut off first, in one step.
    public convenience init(appendingTo path: String, keeping: ([String]) throws -> Int) throws {
        try self.init(path: path, flags: 0)
        let lines = try Self.lines(of: path)
        let kept = try keeping(lines)
        precondition(kept <= lines.count, "cannot keep more lines than the file has")
        let length = off_t(lines.prefix(kept).reduce(0) { $0 + $1.utf8.count + 1 })
        guard length == size || ftruncate(fd, length) == 0 else { throw FileError(path: path, errno: errno) }
        size = length
    }

    private init(path: String, flags: Int32) throws {
        self.path = path
        // O_NONBLOCK so that a FIFO in the file's place is refused instead of waiting for a reader.
        fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | flags, 0o644)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw FileError(path: path, reason: "it is not a regular file")
        }
        size = info.st_size
    }

    /// Appends `line` and `terminator` (a newline, or a CSV writer's "\r\n"), flushed to the disk.
    /// On failure nothing of it stays in the file and `FileError` says why.
    public func append(_ line: String, terminator: String = "\n") throws {
        let bytes = Array((line + terminator).utf8)
        var done = 0, failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while done < raw.count, failure == 0 {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, size + off_t(done))
                if n > 0 { done += n } else if n < 0, errno == EINTR { continue } else { failure = n < 0 ? errno : EIO }
            }
        }
        if failure == 0, fdatasync(fd) != 0 { failure = errno }
        guard failure == 0 else {
            ftruncate(fd, size)
            throw FileError(path: path, errno: failure)
        }
        size += off_t(bytes.count)
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }

    /// The lines of the regular text file at `path` that end in a newline (text after the last
    /// newline is a line whose write was cut short, and is left out). A line ended by "\r\n" keeps its "\r".
    public static func lines(of path: String) throws -> [String] {
        guard let file = fopen(path, "r") else { throw FileError(path: path, operation: "read", errno: errno) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        lines.removeLast()
        return lines.map { String(decoding: $0, as: UTF8.self) }
    }
}
