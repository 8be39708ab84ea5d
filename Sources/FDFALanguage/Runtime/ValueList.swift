import Glibc

/// The items of a list value: an array of values with copy-on-write, like `[Value]`, whose storage
/// is a class so that dropping a list can be done without recursion (see `Value.dropIteratively`).
///
/// A Swift array of values frees its items recursively: a list nested 200,000 levels deep
/// (`for i in 0..<200000 { x = [x] }`) would need a native stack frame per level when it dies. The
/// storage's `deinit` instead hands its items to a work list that frees them one at a time.
///
/// A list may carry a label per item, which only printing shows (`[tap 1: 0.98, tap 2: 0.91]`):
/// built-ins use it where a bare position would not say what an entry is. Changing the list's
/// length drops the labels.
public struct ValueList: RandomAccessCollection, MutableCollection, RangeReplaceableCollection, ExpressibleByArrayLiteral {
    private var storage: Storage
    /// One label per item, or nil.
    public private(set) var labels: [String]?

    public init() { storage = Storage([]) }
    public init(_ items: [Value]) { storage = Storage(items) }
    public init<Items: Sequence>(_ items: Items) where Items.Element == Value { storage = Storage(Array(items)) }
    public init(arrayLiteral items: Value...) { storage = Storage(items) }

    /// A list whose items print with these labels.
    public init(_ items: [Value], labels: [String]) {
        precondition(items.count == labels.count, "\(items.count) items but \(labels.count) labels")
        self.init(items)
        self.labels = labels
    }

    /// The items as an array (shares the storage's buffer until either is changed).
    public var array: [Value] { storage.items }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.items.count }

    public subscript(position: Int) -> Value {
        get { storage.items[position] }
        set {
            makeUnique()
            storage.items[position] = newValue
        }
    }

    public mutating func replaceSubrange<Items: Collection>(_ range: Range<Int>, with items: Items) where Items.Element == Value {
        makeUnique()
        if range.count != items.count { labels = nil }
        storage.items.replaceSubrange(range, with: items)
    }

    public mutating func reserveCapacity(_ n: Int) {
        makeUnique()
        storage.items.reserveCapacity(n)
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.items) }
    }

    private final class Storage {
        var items: [Value]
        init(_ items: [Value]) { self.items = items }
        deinit { Value.dropIteratively(&items) }
    }
}

extension Value {
    /// A list of these items.
    public static func list(_ items: [Value]) -> Value { .list(ValueList(items)) }

    /// Frees `items`, which a dying list or record owned, without recursing on the native stack.
    ///
    /// The first dying container on a thread drains a queue: it frees the queued values one at a
    /// time, and a container dying meanwhile (inside that loop, one level down) only moves its items
    /// onto the queue. So however deep the nesting, freeing is two frames deep; a nested value that is
    /// shared elsewhere is merely released, never walked.
    static func dropIteratively(_ items: inout [Value]) {
        guard items.contains(where: \.isContainer) else { return }
        let queue = DropQueue.current
        queue.pending.append(contentsOf: items)
        items = []
        guard !queue.draining else { return }
        queue.draining = true
        while !queue.pending.isEmpty {
            _ = queue.pending.removeLast() // freed here; a container it held alone queues its items
        }
        queue.draining = false
    }

    private var isContainer: Bool {
        switch self {
        case .list, .record: return true
        default: return false
        }
    }
}

/// The values waiting to be freed on one thread (see `Value.dropIteratively`).
private final class DropQueue {
    var pending: [Value] = []
    var draining = false

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { Unmanaged<DropQueue>.fromOpaque($0!).release() }
        return key
    }()

    /// This thread's queue, made on first use and freed when the thread ends.
    static var current: DropQueue {
        if let queue = pthread_getspecific(key) { return Unmanaged<DropQueue>.fromOpaque(queue).takeUnretainedValue() }
        let queue = DropQueue()
        pthread_setspecific(key, Unmanaged.passRetained(queue).toOpaque())
        return queue
    }
}
