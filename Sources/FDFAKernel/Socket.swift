import CZeroMQ
import Foundation

/// A ZeroMQ socket that sends and receives multipart messages (lists of frames).
///
/// One thread uses a socket at a time; the kernel serialises the one socket two threads share
/// (iopub) with a lock.
final class Socket {
    enum Kind {
        case router, publisher, reply

        var zmqType: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .publisher: return ZMQ_PUB
            case .reply: return ZMQ_REP
            }
        }
    }

    /// The context was shut down (the kernel is stopping): the socket's thread should close it and end.
    struct Terminated: Error {}

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let handle: UnsafeMutableRawPointer

    /// A socket bound to `endpoint` (e.g. tcp://127.0.0.1:5555). Unsent messages get a second to go
    /// out when it closes, so the reply to a shutdown request still arrives.
    init(_ kind: Kind, context: UnsafeMutableRawPointer, endpoint: String) throws {
        guard let handle = zmq_socket(context, kind.zmqType) else { throw Socket.error("socket") }
        self.handle = handle
        var linger: Int32 = 1000
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        guard zmq_bind(handle, endpoint) == 0 else {
            let failure = Socket.error("bind \(endpoint)")
            zmq_close(handle)
            throw failure
        }
    }

    /// Waits for the next message. A signal (SIGINT: an interrupt) does not end the wait.
    func receive() throws -> [Data] {
        try receive(waiting: true)!
    }

    /// The next message if one has arrived, else nil at once.
    func receiveIfWaiting() throws -> [Data]? {
        try receive(waiting: false)
    }

    private func receive(waiting: Bool) throws -> [Data]? {
        var frames: [Data] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        repeat {
            // Only the first frame may be absent; the rest of a message arrive with it.
            let flags = waiting || !frames.isEmpty ? 0 : ZMQ_DONTWAIT
            while zmq_msg_recv(&message, handle, flags) < 0 {
                if zmq_errno() == EINTR { continue }
                if zmq_errno() == EAGAIN { return nil }
                throw zmq_errno() == ETERM ? Terminated() : Socket.error("receive")
            }
            frames.append(Data(bytes: zmq_msg_data(&message), count: zmq_msg_size(&message)))
        } while zmq_msg_more(&message) != 0
        return frames
    }

    func send(_ frames: [Data]) throws {
        for (i, frame) in frames.enumerated() {
            let flags = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { bytes in
                var result: Int32
                repeat {
                    result = zmq_send(handle, bytes.baseAddress, bytes.count, flags)
                } while result < 0 && zmq_errno() == EINTR
                return result
            }
            if sent < 0 { throw zmq_errno() == ETERM ? Terminated() : Socket.error("send") }
        }
    }

    func close() { zmq_close(handle) }

    private static func error(_ action: String) -> Failure {
        Failure(description: "ZeroMQ \(action): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}
