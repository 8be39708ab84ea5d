/// A named group of built-ins, shown together by `help`. Each group is one file in `Builtins/`.
public struct BuiltinGroup {
    public let title: String
    public let builtins: [Builtin]

    public init(_ title: String, _ builtins: [Builtin]) {
        self.title = title
        self.builtins = builtins
    }
}

/// The one table of built-ins. Name lookup, `help`, argument checking and tab completion all read
/// it, so a built-in declared once is documented, checked and completable everywhere.
///
/// To add a group: write `Builtins/MyBuiltins.swift` with
/// `extension BuiltinGroup { static let mine = BuiltinGroup("Mine", [Builtin(...), ...]) }`
/// and add `.mine` to `Registry.standard` below.
public final class Registry {
    public static let standard = Registry([.values, .collections, .math, .tensors, .files, .data, .networks, .layerSpecs,
                                           .training, .derivatives, .analysis, .checkpoints, .inference, .sweeps, .lessons])

    public let groups: [BuiltinGroup]
    private let byName: [String: Builtin]

    public init(_ groups: [BuiltinGroup]) {
        self.groups = groups
        var byName: [String: Builtin] = [:]
        for builtin in groups.flatMap(\.builtins) {
            precondition(byName[builtin.name] == nil, "built-in '\(builtin.name)' is declared twice")
            byName[builtin.name] = builtin
        }
        self.byName = byName
    }

    public func builtin(named name: String) -> Builtin? { byName[name] }

    public var names: [String] { groups.flatMap { $0.builtins.map(\.name) } }
}
