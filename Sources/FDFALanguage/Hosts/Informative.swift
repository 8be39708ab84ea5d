/// A host object with more to say than its one-line description: `info(x)` prints `information`
/// (a network's layers with shapes and parameter counts, a data set's classes, …).
protocol Informative: HostObject {
    var information: String { get }
}
