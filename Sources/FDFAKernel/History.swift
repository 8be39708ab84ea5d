import Foundation

/// The cells this kernel ran, for history requests (tail, range and search with a glob pattern).
/// One kernel is one history session, numbered 1; lines count from 1 as execution counts do.
final class History {
    private var entries: [(line: Int, input: String, output: String)] = []
    func append(_ input: String, output: String) {
        entries.append((entries.count + 1, input, output))
    }

    func reply(to request: JSON) -> JSON {
        let all = entries
        let n = request["n"] as? Int
        var chosen: [(line: Int, input: String, output: String)]
        switch request["hist_access_type"] as? String {
        case "range":
            let start = request["start"] as? Int ?? 1, stop = request["stop"] as? Int ?? all.count + 1
            chosen = all.filter { $0.line >= start && $0.line < stop }
        case "search":
            let pattern = request["pattern"] as? String ?? "*"
            chosen = all.filter { fnmatch(pattern, $0.input, 0) == 0 }
            if request["unique"] as? Bool ?? false {
                var seen = Set<String>()
                chosen = chosen.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n { chosen = Array(chosen.suffix(n)) }
        default:
            chosen = Array(all.suffix(n ?? all.count))
        }
        let withOutput = request["output"] as? Bool ?? false
        let rows: [[Any]] = chosen.map { [1, $0.line, withOutput ? [$0.input, $0.output] : $0.input] }
        return ["status": "ok", "history": rows]
    }
}
