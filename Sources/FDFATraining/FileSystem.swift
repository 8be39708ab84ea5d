import FDFAEngine
import Foundation

// Creating directories and reading text files with errors that name the path and say why in words
// (no such file, a directory or a file in the way), not a Foundation error code.

/// Creates the directory `path` and its missing parents.
public func createDirectory(_ path: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        let operation = "create the directory"
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw FileError(path: path, operation: operation, reason: "a file of that name is in the way")
        }
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? Error,
           (underlying as NSError).domain == NSPOSIXErrorDomain {
            throw FileError(path: path, operation: operation, errno: Int32((underlying as NSError).code))
        }
        throw FileError(path: path, operation: operation, reason: error.localizedDescription)
    }
}

/// The contents of the UTF-8 text file at `path`.
public func readText(_ path: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw FileError(path: path, operation: "read", reason: "no such file")
    }
    guard !isDirectory.boolValue else { throw FileError(path: path, operation: "read", reason: "it is a directory") }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FileError(path: path, operation: "read", reason: "it cannot be read (check its permissions)")
    }
    guard let text = String(data: data, encoding: .utf8) else { throw FileError(path: path, operation: "read", reason: "it is not UTF-8 text") }
    return text
}
