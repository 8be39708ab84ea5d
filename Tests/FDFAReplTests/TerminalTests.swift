import FDFATestSupport
import Foundation
import XCTest

/// Drives the built `fdfa` binary through a pseudo-terminal, as a person at a keyboard would:
/// typing, Tab completion, multi-line input, history (Ctrl-P, Ctrl-R), Ctrl-C and Ctrl-D.
private let prompt = "fdfa> "

final class TerminalTests: XCTestCase {
    /// A child process attached to the slave end of a pty; we hold the master end.
    private final class Terminal {
        let pid: pid_t
        let master: Int32
        private var transcript = ""
        private var searchFrom: String.Index

        init(executable: String, home: String) throws {
            let argv = [strdup(executable), nil]
            let settings: [String] = ["HOME=\(home)", "TERM=xterm", "PATH=/usr/bin:/bin"]
            let environment = settings.map { strdup($0) } + [nil]
            var master: Int32 = 0
            let pid = forkpty(&master, nil, nil, nil)
            if pid == 0 {
                execve(executable, argv, environment)
                _exit(127)
            }
            guard pid > 0 else { throw NSError(domain: "forkpty", code: Int(errno)) }
            self.pid = pid
            self.master = master
            searchFrom = transcript.startIndex
        }

        /// Types a line and waits for its output and the next prompt.
        /// Types keys and waits for `output`, then for the next prompt (and lets the editor settle).
        func enter(_ keys: String, expecting output: String, file: StaticString = #filePath, line: UInt = #line) {
            type(keys)
            if expect(output, file: file, line: line), output != prompt { expect(prompt, file: file, line: line) }
            usleep(50_000)
        }

        func type(_ keys: String) {
            _ = keys.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
        }

        /// Waits until `text` appears after the previous match; fails the test after 10 seconds.
        @discardableResult
        func expect(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if let range = transcript.range(of: text, range: searchFrom ..< transcript.endIndex) {
                    searchFrom = range.upperBound
                    return true
                }
                var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 100) > 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { break }
                let index = transcript.distance(from: transcript.startIndex, to: searchFrom)
                transcript += String(decoding: buffer[0 ..< n], as: UTF8.self)
                searchFrom = transcript.index(transcript.startIndex, offsetBy: index)
            }
            XCTFail("did not see \(text.debugDescription); the terminal showed:\n\(transcript[searchFrom...])", file: file, line: line)
            return false
        }

        /// The exit status, waiting up to 10 seconds (then the child is killed and this is nil).
        /// Foundation's `Process`, used by other tests, may reap the child first; then it has exited
        /// but its status is lost, and this answers 0.
        func exitStatus() -> Int32? {
            for _ in 0 ..< 100 {
                var status: Int32 = 0
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid { return (status >> 8) & 0xFF }
                if reaped == -1, errno == ECHILD { return 0 }
                usleep(100_000)
            }
            kill(pid, SIGKILL)
            return nil
        }
    }

    func testTypingCompletionHistoryInterruptAndExit() throws {
        let executable = try FDFABinary.path()
        let home = try temporaryDirectory(self).path
        let terminal = try Terminal(executable: executable, home: home)
        defer { close(terminal.master) }

        // Wait for the prompt before each line: keys typed while a command runs reach the terminal in
        // its ordinary mode, where the kernel itself would take ^R and ^W.
        terminal.expect(prompt)
        terminal.enter("x = 41\r", expecting: prompt)
        terminal.enter("x + 1\r", expecting: "\r\n42\r\n")
        terminal.enter("zer\t(2)\r", expecting: "tensor([0, 0])") // Tab completes "zeros"

        terminal.type("fn g(a) {\r")
        terminal.expect("  ... ")
        terminal.type("return a * 2\r")
        terminal.expect("  ... ")
        terminal.enter("}\r", expecting: prompt)
        terminal.enter("g(4)\r", expecting: "\r\n8\r\n")

        terminal.enter("\u{10}\r", expecting: "\r\n8\r\n") // Ctrl-P: the previous line again

        terminal.type("\u{12}") // Ctrl-R: reverse search for "x + 1"
        terminal.expect("bck:")
        terminal.type("x +")
        usleep(200_000)
        terminal.enter("\r", expecting: "\r\n42\r\n")

        // Characters beyond ASCII, typed as UTF-8 (the session has no LANG: the editor picks a UTF-8 one).
        terminal.enter("print(\"δ → é\")\r", expecting: "\r\nδ → é\r\n")
        terminal.enter("s = \"δδ\"; t = zer\t(2)\r", expecting: prompt) // Tab completes after them too
        terminal.enter("t\r", expecting: "tensor([0, 0])")
        terminal.enter("junk junk\u{3}", expecting: "^C") // Ctrl-C at the prompt drops the line
        terminal.enter("x\r", expecting: "\r\n41\r\n")

        terminal.type("while true { x += 0 }\r")
        usleep(300_000)
        terminal.enter("\u{3}", expecting: "interrupted") // Ctrl-C while running stops the loop, keeps the variables
        terminal.enter("x - 1\r", expecting: "\r\n40\r\n")

        terminal.type("\u{4}") // Ctrl-D leaves
        XCTAssertEqual(terminal.exitStatus(), 0)

        // The history outlives the session: the next one recalls the last line with Ctrl-P.
        let next = try Terminal(executable: executable, home: home)
        defer { close(next.master) }
        next.expect(prompt)
        next.enter("x = 5\r", expecting: prompt)
        next.enter("\u{10}\u{10}\r", expecting: "\r\n4\r\n") // x - 1 (the editor redraws only what changed)
        next.type("\u{4}")
        XCTAssertEqual(next.exitStatus(), 0)
    }

    /// A block is one history entry (Up recalls all of it), and Ctrl-D inside an open block drops
    /// the block instead of leaving; `exit` leaves.
    func testBlockHistoryAndCtrlDInABlock() throws {
        let terminal = try Terminal(executable: try FDFABinary.path(), home: try temporaryDirectory(self).path)
        defer { close(terminal.master) }
        terminal.expect(prompt)
        terminal.type("for i in 0..<2 {\r")
        terminal.expect("  ... ")
        terminal.type("print(i + 10)\r")
        terminal.expect("  ... ")
        terminal.enter("}\r", expecting: "11\r\n")
        terminal.type("\u{10}\r") // Ctrl-P recalls the whole loop, not its last line "}"
        terminal.expect("10\r\n")
        terminal.enter("", expecting: "11\r\n")

        terminal.type("if true {\r")
        terminal.expect("  ... ")
        usleep(300_000) // the editor puts the terminal in raw mode after the prompt; a key typed before may be flushed
        terminal.type("\u{4}") // Ctrl-D in the open block drops it; the session stays
        terminal.expect("block discarded")
        terminal.expect(prompt)
        terminal.enter("1 + 2\r", expecting: "\r\n3\r\n")
        terminal.type("exit\r")
        XCTAssertEqual(terminal.exitStatus(), 0)
    }

    /// `lesson 1`: explanations, each input line pre-filled and editable, a pause between steps where
    /// a command runs in the lesson; the lesson has a session of its own, so the learner's variables
    /// stay as they were; `lesson 1 step 3` starts at step 3 after running the earlier ones quietly.
    func testALessonWalk() throws {
        let executable = try FDFABinary.path()
        let terminal = try Terminal(executable: executable, home: try temporaryDirectory(self).path)
        defer { close(terminal.master) }
        let pause = "[Enter: next step, q: leave, or a command] "
        terminal.expect(prompt)
        terminal.enter("net = 5\r", expecting: prompt)
        terminal.type("lesson 1\r")
        terminal.expect("runs in a session of its own")
        terminal.expect("Ctrl-C leaves at any prompt")
        terminal.expect("Lesson 1, step 1 of 7")
        terminal.expect("Forward-mode automatic differentiation")
        terminal.expect(pause)
        terminal.type("\r")
        terminal.expect("Lesson 1, step 2 of 7")
        terminal.expect("A small problem")
        terminal.expect(prompt + "seed 1")
        for line in ["data = load(", "net = stack("] {
            terminal.type("\r")
            terminal.expect("  ... " + line)
        }
        terminal.type("\r")
        terminal.expect("  ... b = batch(data, 64)")
        terminal.type("\u{7f}\u{7f}\u{7f}32)\r") // the learner edits the pre-filled line
        terminal.expect("  ... info(net)")
        terminal.type("\r")
        terminal.expect("network stack: 8 → 3 classes")
        terminal.expect(pause)
        terminal.type("b.count\r") // a command at the pause runs in the lesson
        terminal.expect("\r\n32\r\n")
        terminal.expect(pause)
        terminal.type("q\r")
        terminal.expect("Left the lesson; your variables are as they were.")
        terminal.expect(prompt) // keys typed before the editor takes the terminal may be flushed
        terminal.enter("net\r", expecting: "\r\n5\r\n")

        terminal.type("lesson 1 step 3\r")
        terminal.expect("(running steps 1 to 2 quietly")
        terminal.expect("Lesson 1, step 3 of 7")
        terminal.expect(prompt + "theta = net.params")
        terminal.type("\r")
        terminal.expect("  ... v = randn_like(theta)")
        terminal.type("\r")
        terminal.expect("  ... len(v)")
        terminal.type("\r")
        terminal.expect("\r\n6\r\n")
        terminal.expect(pause)
        terminal.type("q\r")
        terminal.expect("Left the lesson")
        terminal.expect(prompt)
        usleep(300_000) // the editor puts the terminal in raw mode after the prompt; a key typed before may be flushed
        terminal.type("\u{4}")
        XCTAssertEqual(terminal.exitStatus(), 0)
    }

    /// Ctrl-C during `train` stops between two steps; the network keeps the steps it took.
    /// Ctrl-C during `h = train(...)`: the network keeps its steps, and h their history.
    func testInterruptingTrainingKeepsTheCompletedSteps() throws {
        let terminal = try Terminal(executable: try FDFABinary.path(), home: try temporaryDirectory(self).path)
        defer { close(terminal.master) }
        terminal.expect(prompt)
        terminal.enter("data = load(\"synthetic\", shape=[64], classes=4, train=4096, test=64)\r", expecting: prompt)
        terminal.enter("net = fc(data, [64])\r", expecting: prompt)
        terminal.type("h = train(net, data, epochs=100000)\r")
        usleep(500_000)
        terminal.type("\u{3}")
        terminal.expect("steps; the network keeps them")
        terminal.enter("", expecting: "interrupted")
        terminal.enter("net.steps > 0\r", expecting: "\r\ntrue\r\n")
        // The assignment got the history of the steps taken.
        terminal.enter("len(h.losses) == net.steps\r", expecting: "\r\ntrue\r\n")
        terminal.type("\u{4}")
        XCTAssertEqual(terminal.exitStatus(), 0)
    }
}
