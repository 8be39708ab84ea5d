import Foundation

/// Runs the interpreter on a thread with a large stack.
///
/// A tree-walking interpreter recurses once per nested expression and call; the recursion limits
/// (`Parser.maximumNesting`, `Interpreter.maximumCallDepth`) keep that bounded, and this stack is
/// sized so that the bound is always reached long before the stack runs out, even in debug builds.
enum DeepStack {
    static let stackSize = 512 << 20

    static func run(_ body: @escaping () throws -> Void) throws {
        nonisolated(unsafe) var failure: Error? // written by the thread before signal(), read after wait()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do { try body() } catch { failure = error }
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        if let failure { throw failure }
    }
}
