import Foundation

/// Lines of standard input when it is not a terminal (a pipe or a file), read with `read(2)`.
///
/// Why not `readLine()`: a Ctrl-C (SIGINT, whose handler is installed without SA_RESTART) makes
/// the blocked read fail with EINTR, after which `readLine` never returned a line or the end of
/// input again and the REPL spun. Here an interrupted read is simply retried: Ctrl-C stops the
/// running cell, and the REPL still reads the rest and leaves at the end of input.
struct InputLines {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(descriptor: Int32 = STDIN_FILENO) { self.descriptor = descriptor }

    /// The next line without its line break, or nil at the end of input.
    mutating func next() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return String(decoding: buffer[start ..< newline], as: UTF8.self)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return String(decoding: buffer[start...], as: UTF8.self)
            }
            buffer.removeFirst(start)
            start = 0
            fill()
        }
    }

    private mutating func fill() {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.append(contentsOf: chunk[..<n])
                return
            }
            if n < 0, errno == EINTR { continue }
            atEnd = true
            return
        }
    }
}
