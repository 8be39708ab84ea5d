import Foundation
import Synchronization

/// Ctrl-C while a command runs: the signal handler raises a flag, and training loops (between steps),
/// the interpreter (between statements and loop iterations) and `fdfa train` look at it and stop.
/// Nothing is torn down mid-step, so the trained state stays intact.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// Whether Ctrl-C was pressed since the last `clear()`. Cheap enough to read in every loop.
    public static var requested: Bool { flag.load(ordering: .relaxed) }

    public static func request() { flag.store(true, ordering: .relaxed) }

    public static func clear() { flag.store(false, ordering: .relaxed) }

    /// Makes SIGINT raise the flag instead of ending the process. Installed without SA_RESTART,
    /// so a blocking read (the line editor waiting for a key) returns with EINTR.
    ///
    /// The handler runs on an alternate stack of the calling thread's (SA_ONSTACK), and fdfa's pool
    /// workers block SIGINT, so no signal frame is pushed onto a computing thread's stack. Why: the
    /// kernel pushes one (several KiB with AVX-512 state) just below the interrupted code's stack
    /// pointer, sparing only the ABI's 128-byte red zone; with it there, a Ctrl-C during a step on
    /// oneDNN's generated kernels left floats written over the heap in about one interrupted run in
    /// twelve (never on OpenBLAS), which points at data those kernels keep below their stack
    /// pointer. With the frame elsewhere, 90 interrupted runs in a row ended cleanly.
    public static func installSignalHandler() {
        var stack = stack_t(ss_sp: alternateStack, ss_flags: 0, ss_size: alternateStackSize)
        sigaltstack(&stack, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.request() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_ONSTACK
        sigaction(SIGINT, &action, nil)
    }

    private static let alternateStackSize = 1 << 16
    /// The handler's stack (it only stores a flag), made once and kept for the process's life.
    nonisolated(unsafe) private static let alternateStack = UnsafeMutableRawPointer.allocate(byteCount: alternateStackSize,
                                                                                           alignment: 64)
}
