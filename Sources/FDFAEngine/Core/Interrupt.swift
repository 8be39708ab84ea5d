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
    public static func installSignalHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.request() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}
