import FDFAEngine

/// Why a data set could not be read or fetched.
///
/// Every failure names the file (or URL) and what is wrong with it, so that a bad download or a
/// misplaced file is diagnosed from one line rather than from a crash or a silently wrong model.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// A file exists but its contents are not what the format promises.
    case malformed(file: String, reason: String)
    /// A file could not be opened or read (missing, a directory, permissions, I/O error).
    case unreadable(file: String, reason: String)
    /// None of the files a data set needs is where we looked; the message says how to get them.
    case missing(dataset: String, files: [String], searched: [String], hint: String)
    /// A download failed on every mirror; `attempts` holds one line per mirror tried.
    case downloadFailed(file: String, attempts: [String])
    /// A name that is not one of the known data sets.
    case unknownDataset(name: String, known: [String])
    /// Ctrl-C (`Interrupt`) stopped a load or download between two units of work; nothing
    /// half-read is kept and nothing half-written is left under a file's name.
    case interrupted

    public var description: String {
        switch self {
        case let .malformed(file, reason):
            return "\(file): \(reason)"
        case let .unreadable(file, reason):
            return "cannot read \(file): \(reason)"
        case let .missing(dataset, files, searched, hint):
            return "\(dataset) not found: missing \(files.joined(separator: ", ")); looked in "
                + searched.joined(separator: " and ") + ". " + hint
        case let .downloadFailed(file, attempts):
            return "could not download \(file):\n" + attempts.map { "  " + $0 }.joined(separator: "\n")
        case let .unknownDataset(name, known):
            return "unknown data set '\(name)'; known: \(known.joined(separator: ", "))"
        case .interrupted:
            return "interrupted"
        }
    }

    /// Throws `interrupted` after Ctrl-C; readers and the downloader call it between units of work.
    static func throwIfInterrupted() throws {
        if Interrupt.requested { throw DataError.interrupted }
    }
}
