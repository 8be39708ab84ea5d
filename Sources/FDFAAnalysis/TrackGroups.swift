import Foundation

/// Which quantities a `Tracker` records: the names of `fdfa train --track cos,align,var`.
public struct TrackGroups: OptionSet, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `cos_delta_l`, `norm_ratio_delta_l` per tap and `cos_grad_L`, `norm_ratio_grad_L` per layer.
    public static let cos = TrackGroups(rawValue: 1)
    /// `cos_BJ_l`, `norm_ratio_BJ_l` per tap with a feedback matrix (costs the exact Jacobians).
    public static let align = TrackGroups(rawValue: 2)
    /// `var_t`, `rel_var_t`, `cos_est_t`, `cos_est_std_t` of the rule's forward-gradient estimator.
    public static let variance = TrackGroups(rawValue: 4)

    private static let names: [(String, TrackGroups)] = [("cos", .cos), ("align", .align), ("var", .variance)]

    /// Parses a comma-separated list such as "cos,align,var" (case and spaces ignored).
    public init(parsing text: String) throws {
        self = []
        for word in text.split(separator: ",") {
            let name = word.trimmingCharacters(in: .whitespaces).lowercased()
            guard let group = Self.names.first(where: { $0.0 == name })?.1 else {
                throw TrackError("unknown quantity '\(name)' to track; choose from cos, align, var")
            }
            insert(group)
        }
        guard !isEmpty else { throw TrackError("nothing to track; choose from cos, align, var") }
    }

    public var description: String { Self.names.filter { contains($0.1) }.map(\.0).joined(separator: ",") }
}

/// A tracking request that cannot be honoured, with the reason.
public struct TrackError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
