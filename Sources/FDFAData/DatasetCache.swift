import Foundation

/// Keeps every data set a session has loaded, so that each is read and decoded once however many
/// runs, comparisons or analyses use it. Data sets are immutable, so sharing them is safe.
public final class DatasetCache: @unchecked Sendable {
    public static let shared = DatasetCache()

    private let lock = NSLock()
    private var loaded: [String: Dataset] = [:]

    public init() {}

    /// The data set, loaded on first request for this (name, root, synthetic spec).
    /// Loading happens under the lock: two simultaneous first requests load once, not twice.
    public func dataset(_ name: DatasetName, root: String = DatasetLoader.defaultRoot,
                        synthetic: SyntheticSpec = SyntheticSpec()) throws -> Dataset {
        let key = name == .synthetic ? "synthetic \(synthetic)" : "\(name.rawValue) \(absolute(root))"
        lock.lock()
        defer { lock.unlock() }
        if let hit = loaded[key] { return hit }
        let fresh = try DatasetLoader.load(name, root: root, synthetic: synthetic)
        loaded[key] = fresh
        return fresh
    }

    /// Forgets everything (e.g. after `fdfa download` replaced files).
    public func removeAll() {
        lock.lock()
        loaded.removeAll()
        lock.unlock()
    }

    private func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
