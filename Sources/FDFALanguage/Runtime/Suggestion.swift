/// "Did you mean …?" for misspelt names, by edit distance.
public enum Suggestion {
    /// " (did you mean 'x'?)" for the closest name within one edit (two for names of six or more
    /// letters), or "". Names of one or two letters get no hint: every short name is close to them.
    public static func hint(for name: String, among candidates: some Sequence<String>) -> String {
        let limit = name.count <= 2 ? 0 : name.count < 6 ? 1 : 2
        let scored = candidates.map { ($0, distance(name, $0)) }.filter { $0.1 <= limit && $0.0 != name }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return "" }
        return " (did you mean '\(best.0)'?)"
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0 ... b.count)
        for i in 1 ... a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1 ... b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
