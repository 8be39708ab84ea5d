import Foundation

/// Prints a line and flushes it, so a log followed with `tail -f` is never behind.
func emit(_ line: String) {
    print(line)
    fflush(stdout)
}

/// `n` and the noun, plural unless `n` is 1: "1 run", "4 runs".
func counted(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
}
