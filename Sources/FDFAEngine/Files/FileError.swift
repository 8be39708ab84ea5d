import Glibc

/// A file that could not be read or written: which file, and why in words a user acts on (a full
/// disk says "the disk is full", not an errno number or a Foundation error code).
public struct FileError: Error, CustomStringConvertible {
    public let path: String
    /// "read" or "write".
    public let operation: String
    public let reason: String
    /// The failed system call's `errno`, if a system call failed.
    public let code: Int32?

    public init(path: String, operation: String = "write", reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
        code = nil
    }

    /// The error for a failed system call, from its `errno`.
    public init(path: String, operation: String = "write", errno code: Int32) {
        self.path = path
        self.operation = operation
        reason = Self.reason(errno: code)
        self.code = code
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }

    static func reason(errno code: Int32) -> String {
        switch code {
        case ENOSPC: return "the disk is full (no space left on the device)"
        case EDQUOT: return "the disk quota is exhausted"
        case EFBIG: return "the file would exceed the largest size allowed"
        case ENXIO: return "it is a pipe with no reader, not a regular file"
        default: return String(cString: strerror(code))
        }
    }
}
