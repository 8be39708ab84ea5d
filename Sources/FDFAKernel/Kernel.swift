import FDFAEngine
import CZeroMQ
import FDFALanguage
import FDFATraining
import Foundation

/// A Jupyter kernel (messaging protocol 5.3) running fdfa cells in one `Session`, the same
/// interpreter, registry and engine the REPL uses.
///
/// Three threads: this one serves the shell socket (requests run one after another, so a cell and
/// the requests after it keep their order); another serves control, so an interrupt or shutdown
/// request is heard while a cell runs; a third echoes heartbeats. The iopub socket, where outputs
/// and status go, is shared by the first two under a lock.
public final class Kernel {
    let connection: ConnectionFile
    let session: Session
    let signer: Signer
    /// This kernel's session id, in the header of every message it sends.
    let sessionID = UUID().uuidString.lowercased()
    let history = History()
    /// Bumped by each execute request that stores history; numbers the cells In [n].
    var executionCount = 0

    private let context: UnsafeMutableRawPointer
    private let iopub: Socket
    private let iopubLock = NSLock()

    public init(connection: ConnectionFile, session: Session) throws {
        self.connection = connection
        self.session = session
        session.showsFigures = true
        signer = Signer(key: connection.key)
        context = zmq_ctx_new()
        iopub = try Socket(.publisher, context: context, endpoint: connection.endpoint(connection.iopubPort))
    }

    /// Serves requests until a shutdown request; returns once every reply has gone out.
    public func run() throws {
        let shell = try Socket(.router, context: context, endpoint: connection.endpoint(connection.shellPort))
        let control = try Socket(.router, context: context, endpoint: connection.endpoint(connection.controlPort))
        // Clients connect to stdin too; fdfa never asks for input, so nothing is read from it.
        let stdin = try Socket(.router, context: context, endpoint: connection.endpoint(connection.stdinPort))
        let heartbeat = try Socket(.reply, context: context, endpoint: connection.endpoint(connection.heartbeatPort))
        Interrupt.installSignalHandler()
        publish("status", ["execution_state": "starting"], parent: nil)

        let helpers = DispatchGroup()
        for (name, body) in [("fdfa.kernel.heartbeat", { self.echo(heartbeat) }), ("fdfa.kernel.control", { self.serve(control, only: Kernel.controlRequests) })] {
            helpers.enter()
            let thread = Thread {
                body()
                helpers.leave()
            }
            thread.name = name
            thread.start()
        }
        serve(shell)   // closes shell, as the helpers close theirs
        helpers.wait()
        stdin.close()
        iopub.close()
        zmq_ctx_term(context)
    }

    /// What the control socket answers. Its thread runs beside a running cell, so it never touches
    /// the session: code completion or execution there would race with the cell.
    static let controlRequests: Set = ["kernel_info_request", "interrupt_request", "shutdown_request"]

    /// Answers the requests arriving on `socket` (those of types in `only`, if given) until the
    /// kernel stops, then closes it.
    private func serve(_ socket: Socket, only accepted: Set<String>? = nil) {
        defer { socket.close() }
        while true {
            do {
                let request = try Message(frames: try socket.receive(), signer: signer)
                guard accepted?.contains(request.type) ?? true else {
                    FileHandle.standardError.write(Data("fdfa kernel: ignoring \(request.type) on the control socket\n".utf8))
                    continue
                }
                try handle(request, on: socket)
            } catch is Socket.Terminated {
                return
            } catch {
                FileHandle.standardError.write(Data("fdfa kernel: \(error)\n".utf8))
            }
        }
    }

    private func echo(_ heartbeat: Socket) {
        defer { heartbeat.close() }
        while let ping = try? heartbeat.receive(), (try? heartbeat.send(ping)) != nil {}
    }

    /// One request: busy, the reply and outputs, idle. After a failed cell whose request says
    /// stop_on_error (Jupyter's default), the cells already queued behind it are aborted before
    /// idle, so a client that waits for idle to send its next cell never has that one aborted.
    private func handle(_ request: Message, on socket: Socket) throws {
        publish("status", ["execution_state": "busy"], parent: request)
        let content = respond(to: request)
        if let content { try reply(request.type.replacingOccurrences(of: "_request", with: "_reply"), content, to: request, on: socket) }
        if request.type == "execute_request", content?["status"] as? String == "error", request.content["stop_on_error"] as? Bool ?? true {
            try abortQueuedCells(on: socket)
        }
        publish("status", ["execution_state": "idle"], parent: request)
        if request.type == "shutdown_request" { stop() }
    }

    /// The reply's content, or nil for a request fdfa does not know (Jupyter's kernels ignore those).
    private func respond(to request: Message) -> JSON? {
        switch request.type {
        case "kernel_info_request": return KernelInfo.content
        case "execute_request": return execute(request)
        case "complete_request": return Introspection(session: session).complete(request.content)
        case "inspect_request": return Introspection(session: session).inspect(request.content)
        case "is_complete_request": return Introspection.isComplete(request.content)
        case "history_request": return history.reply(to: request.content)
        case "comm_info_request": return ["status": "ok", "comms": JSON()]
        case "interrupt_request":
            Interrupt.request()
            return ["status": "ok"]
        case "shutdown_request":
            return ["status": "ok", "restart": request.content["restart"] as? Bool ?? false]
        default:
            FileHandle.standardError.write(Data("fdfa kernel: ignoring an unknown \(request.type)\n".utf8))
            return nil
        }
    }

    /// After a failed cell, the cells already queued behind it (Run All) are not run: each gets an
    /// "aborted" reply and no status, as from Jupyter's own kernels. Other requests are answered.
    private func abortQueuedCells(on socket: Socket) throws {
        while let frames = try socket.receiveIfWaiting() {
            guard let request = try? Message(frames: frames, signer: signer) else { continue }
            if request.type == "execute_request" {
                try reply("execute_reply", ["status": "aborted"], to: request, on: socket)
            } else {
                try handle(request, on: socket)
            }
        }
    }

    private func reply(_ type: String, _ content: JSON, to request: Message, on socket: Socket) throws {
        try socket.send(Message(type: type, content: content, parent: request, session: sessionID).frames(signer: signer))
    }

    /// Publishes on iopub, under the message type as topic. A failure (the kernel stopping) drops it.
    func publish(_ type: String, _ content: JSON, parent: Message?, metadata: JSON = [:]) {
        let message = Message(type: type, content: content, parent: parent, session: sessionID,
                              identities: [Data(type.utf8)], metadata: metadata)
        iopubLock.lock()
        defer { iopubLock.unlock() }
        _ = try? iopub.send(message.frames(signer: signer))
    }

    /// Stops a running cell between steps and wakes every socket's thread with "terminated", so
    /// each closes its socket (unsent replies still go out) and `run` returns.
    private func stop() {
        Interrupt.request()
        zmq_ctx_shutdown(context)
    }
}
