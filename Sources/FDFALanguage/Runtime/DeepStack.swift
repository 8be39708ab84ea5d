import Foundation

/// Runs the interpreter on a thread with a large stack.
///
/// A tree-walking interpreter recurses once per nested expression and call; the recursion limits
/// (`Parser.maximumNesting`, `Interpreter.maximumCallDepth`) keep that bounded, and this stack is
/// sized so that the bound is always reached long before the stack runs out, even in debug builds.
/// One long-lived thread serves every cell: starting a thread per cell would cost more than most
/// cells take to run.
enum DeepStack {
    static let stackSize = 512 << 20

    private static let worker = Worker()

    /// Runs `body` on the big-stack thread and waits for it (directly, if already on that thread).
    static func run(_ body: @escaping () throws -> Void) throws {
        if Thread.current.name == Worker.name { return try body() }
        nonisolated(unsafe) var failure: Error? // written by the worker before it signals, read after
        worker.perform {
            do { try body() } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private final class Worker: @unchecked Sendable {
        static let name = "fdfa.interpreter"
        private let lock = NSLock()
        private let ready = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        private var job: (() -> Void)?

        init() {
            let thread = Thread { [unowned self] in
                while true {
                    ready.wait()
                    job?()
                    done.signal()
                }
            }
            thread.name = Worker.name
            thread.stackSize = DeepStack.stackSize
            thread.start()
        }

        /// One job at a time, whichever thread asks.
        func perform(_ body: @escaping () -> Void) {
            lock.lock()
            defer { lock.unlock() }
            job = body
            ready.signal()
            done.wait()
            job = nil
        }
    }
}
