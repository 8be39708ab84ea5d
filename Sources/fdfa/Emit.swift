import Foundation

/// Prints a line and flushes it, so a log followed with `tail -f` is never behind.
func emit(_ line: String) {
    print(line)
    fflush(stdout)
}
