import Foundation
import FDFAEngine

/// Fetches the original data set files from their publishers' mirrors into a data root, in the
/// layout `DatasetLoader` reads: MNIST and Fashion-MNIST as their four `.gz` files, CIFAR as the
/// binary archive, verified and then extracted.
///
/// Every file is checked against its published MD5 before it is used, written to a temporary name
/// and renamed into place (a crash or a bad mirror never leaves a half file under the real name),
/// and skipped when already present and verified. Ctrl-C stops it between files and during a
/// transfer (`DataError.interrupted`); what was not complete is not kept. Mirrors are tried in order until one serves the
/// right bytes; the error of a total failure lists what each mirror did.
public struct Downloader {
    public var root: String
    /// Base URLs to use instead of each data set's own mirrors (file URL = base/filename).
    /// Defaults to the comma-separated `FDFA_MIRRORS` environment variable, if set.
    public var mirrors: [String]?
    /// Seconds to wait for a server to answer or to send more bytes.
    public var timeout: TimeInterval
    /// Progress lines ("fetching …", "… already present").
    public var log: (String) -> Void

    public init(root: String = DatasetLoader.defaultRoot, mirrors: [String]? = nil, timeout: TimeInterval = 30,
                log: @escaping (String) -> Void = { _ in }) {
        self.root = root
        self.mirrors = mirrors ?? ProcessInfo.processInfo.environment["FDFA_MIRRORS"].map {
            $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        }
        self.timeout = timeout
        self.log = log
    }

    /// Makes `name` loadable from `root`, fetching whatever is missing or fails its checksum.
    /// Returns the paths of the data set's files. Synthetic data needs nothing and returns [].
    @discardableResult
    public func download(_ name: DatasetName) throws -> [String] {
        guard let plan = DownloadPlan.of(name) else { return [] }
        return try download(plan, name: name.rawValue)
    }

    /// Fetches and verifies a plan's files (and extracts its archives); `download(_:)` with the plan
    /// of a known data set, or a test's own plan.
    func download(_ plan: DownloadPlan, name: String) throws -> [String] {
        if let layout = plan.extracts, let present = extractedFiles(layout) {
            log("\(name): already present in \(join(root, layout.directory))")
            return present
        }
        let fetcher = HTTPFetcher(idleTimeout: timeout, totalTimeout: max(600, timeout))
        let mirrors = self.mirrors ?? plan.mirrors
        var paths: [String] = []
        for file in plan.files {
            try DataError.throwIfInterrupted()
            let path = join(join(root, plan.directory), file.name)
            if let existing = try? FileBytes.readRaw(path), MD5.hex(existing) == file.md5 {
                log("\(file.name): already present and verified")
            } else {
                try fetch(file, to: path, from: mirrors, with: fetcher)
            }
            paths.append(path)
        }
        guard let layout = plan.extracts else { return paths }
        return try paths.flatMap { try extract($0, layout) }
    }

    private func fetch(_ file: DownloadPlan.RemoteFile, to path: String, from mirrors: [String], with fetcher: HTTPFetcher) throws {
        var attempts: [String] = []
        for mirror in mirrors {
            let address = join(mirror, file.name)
            guard let url = URL(string: address) else {
                attempts.append("\(address): not a URL")
                continue
            }
            log("fetching \(address)")
            do {
                let bytes = try fetcher.get(url)
                let md5 = MD5.hex(bytes)
                guard md5 == file.md5 else {
                    attempts.append("\(address): checksum mismatch (MD5 \(md5), expected \(file.md5))")
                    continue
                }
                try writeAtomically(bytes[...], to: path)
                return
            } catch let error as DataError {
                throw error // a local write failure or Ctrl-C: another mirror would not help
            } catch {
                attempts.append("\(address): \(error)")
            }
        }
        throw DataError.downloadFailed(file: file.name, attempts: attempts.isEmpty ? ["no mirrors given"] : attempts)
    }

    /// Writes the layout's files from the (verified) archive at `archive`; returns their paths.
    private func extract(_ archive: String, _ layout: DatasetLayout) throws -> [String] {
        log("extracting \(archive)")
        let entries = try Tar.entries(FileBytes.read(archive), file: archive)
        return try layout.files.map { name in
            try DataError.throwIfInterrupted()
            let member = layout.directory + "/" + name
            guard let entry = entries.first(where: { $0.path == member || $0.path == "./" + member }) else {
                throw DataError.malformed(file: archive, reason: "archive has no \(member)")
            }
            let path = join(join(root, layout.directory), name)
            try writeAtomically(entry.contents, to: path)
            return path
        }
    }

    /// The layout's files, if all are already extracted (present, regular, non-empty).
    private func extractedFiles(_ layout: DatasetLayout) -> [String]? {
        let paths = layout.files.map { join(join(root, layout.directory), $0) }
        return paths.allSatisfy(FileBytes.isNonEmptyFile) ? paths : nil
    }

    /// All or nothing (see `AtomicFile`): readers see the old file or the whole new one.
    private func writeAtomically(_ bytes: ArraySlice<UInt8>, to path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try bytes.withUnsafeBytes { try AtomicFile.write($0, to: path) }
        } catch let error as FileError {
            throw DataError.unreadable(file: path, reason: "cannot write: \(error.reason)")
        } catch {
            throw DataError.unreadable(file: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}
