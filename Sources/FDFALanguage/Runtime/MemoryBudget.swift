import FDFAEngine
import Foundation

/// How much memory a value a program makes may take, checked before allocating.
///
/// Why: a size typed by mistake (`zeros(1e12)`, a string doubled 40 times) must be an error the
/// session survives. The system does not refuse such requests reliably: Linux grants far more than
/// it has and kills the process when the pages are touched, and Swift's arrays and strings trap
/// when refused. So every size a program chooses is checked (in exact integer arithmetic, overflow
/// included) against half of the memory still free to the process: the machine's available memory,
/// less under a `ulimit -v` or cgroup limit. Small requests skip the check (it reads /proc).
enum MemoryBudget {
    /// Requests up to this many bytes are not checked.
    static let smallRequest = 64 << 20

    /// Half of the bytes the process can still obtain now.
    static var bytes: Int { free() / 2 }

    private static func free() -> Int {
        var free = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let available = number(in: "/proc/meminfo", after: "MemAvailable:") { free = min(free, available * 1024) }
        var rlimit = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &rlimit) == 0, rlimit.rlim_cur < UInt64(Int.max), // else unlimited
           let pages = number(in: "/proc/self/statm", after: "") {
            free = min(free, Int(rlimit.rlim_cur) - pages * Int(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let limit = number(in: "/sys/fs/cgroup/memory.max", after: ""),
           let used = number(in: "/sys/fs/cgroup/memory.current", after: "") {
            free = min(free, limit - used)
        }
        return max(free, 0)
    }

    /// The first whole number after `label` in a small system file (nil if absent, as "max" is).
    private static func number(in path: String, after label: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let start = label.isEmpty ? text.startIndex : text.range(of: label)?.upperBound else { return nil }
        return Int(text[start...].drop { $0 == " " }.prefix { $0.isNumber })
    }

    /// Throws unless `count` items of `itemBytes` each fit the budget; `what` names the value.
    static func check(_ count: Int, of itemBytes: Int, _ what: @autoclosure () -> String) throws {
        let (total, overflow) = count.multipliedReportingOverflow(by: itemBytes)
        try check(bytes: overflow ? nil : total, what())
    }

    /// Throws unless `floats` float32 values fit; for totals summed over several tensors, counted
    /// in floating point so that no product overflows.
    static func check(floats: Double, _ what: @autoclosure () -> String) throws {
        let total = floats * Double(MemoryLayout<Float>.stride)
        try check(bytes: total < 0x1p62 ? Int(total) : nil, what())
    }

    /// Throws unless `total` bytes (nil: more than an Int holds) fit the budget.
    private static func check(bytes total: Int?, _ what: @autoclosure () -> String) throws {
        if let total, total <= smallRequest { return }
        let allowed = bytes
        guard let total, total <= allowed else {
            let size = total.map(formatted) ?? "more memory than any machine has"
            throw LanguageError.runtime("\(what()) would need \(size); one value may take at most \(formatted(allowed)) now (half the memory still free)")
        }
    }

    /// The element count of `shape`, or an error when it overflows or does not fit the budget.
    static func elementCount(_ shape: [Int], _ what: @autoclosure () -> String) throws -> Int {
        guard let count = shape.checkedProduct else {
            try check(bytes: nil, what())
            return 0
        }
        try check(count, of: MemoryLayout<Float>.stride, what())
        return count
    }

    /// A new tensor of zeros, or an error when its shape is too big for the budget or the system.
    static func zeros(_ shape: [Int]) throws -> Tensor {
        let what = "a tensor of shape \(shape)"
        _ = try elementCount(shape, what)
        guard let tensor = Tensor(zerosIfPossible: shape) else {
            throw LanguageError.runtime("out of memory: the system refused \(what)")
        }
        return tensor
    }

    /// "1.5 GB" for 1_500_000_000.
    static func formatted(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}
