import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for downloader tests: one connection at a
/// time, `Connection: close`, routes fixed up front. It stops on `stop()` or after `lifetime` seconds.
final class TestHTTPServer {
    enum Reply {
        case ok([UInt8])
        case status(Int)
        /// Announces the full length but sends only the first `sent` bytes, then closes.
        case truncated([UInt8], sent: Int)
        /// Announces the full length, sends the first `sent` bytes, then stalls for `seconds`
        /// (a slow server mid-transfer) before closing.
        case stalled([UInt8], sent: Int, seconds: TimeInterval)
        /// Sends the bytes without a Content-Length (the end of the connection ends the body).
        case unsized([UInt8])
        /// Announces `announced` bytes and sends zeros until the client goes away.
        case endless(announced: Int)
    }

    let port: UInt16
    private let listener: Int32
    private let routes: [String: Reply]
    private let stopped = NSLock()
    private var isStopped = false
    private(set) var requests: [String] = []
    /// How many requests arrived so far (safe to read while the server runs).
    var requestCount: Int { stopped.lock(); defer { stopped.unlock() }; return requests.count }

    init(routes: [String: Reply], lifetime: TimeInterval = 20) throws {
        self.routes = routes
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound, listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let deadline = Date().addingTimeInterval(lifetime)
        Thread.detachNewThread { [self] in serve(until: deadline) }
    }

    deinit { stop() }

    func base(_ path: String = "") -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        stopped.lock()
        if !isStopped {
            isStopped = true
            shutdown(listener, Int32(SHUT_RDWR))
        }
        stopped.unlock()
    }

    private var shouldStop: Bool { stopped.lock(); defer { stopped.unlock() }; return isStopped }

    private func serve(until deadline: Date) {
        defer { close(listener) }
        while !shouldStop, Date() < deadline {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            respond(client)
            close(client)
        }
    }

    private func respond(_ client: Int32) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.suffix(4).elementsEqual([13, 10, 13, 10]), request.count < 65536 {
            let n = recv(client, &chunk, chunk.count, 0)
            guard n > 0 else { return }
            request += chunk[..<n]
        }
        let line = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        let path = line.count > 1 ? String(line[1]) : "/"
        stopped.lock(); requests.append(path); stopped.unlock()
        let reply = routes[path] ?? .status(404)
        let (status, body, sent): (Int, [UInt8], Int)
        var stall: TimeInterval = 0
        var length: Int? = nil
        switch reply {
        case let .unsized(b): (status, body, sent) = (200, b, b.count)
        case let .endless(announced):
            (status, body, sent, length) = (200, [], 0, announced)
        case let .ok(b): (status, body, sent) = (200, b, b.count)
        case let .status(code): (status, body, sent) = (code, Array("error \(code)".utf8), "error \(code)".utf8.count)
        case let .truncated(b, n): (status, body, sent) = (200, b, n)
        case let .stalled(b, n, seconds): (status, body, sent, stall) = (200, b, n, seconds)
        }
        if case .unsized = reply {} else { length = length ?? body.count }
        let head = "HTTP/1.1 \(status) X\r\n" + (length.map { "Content-Length: \($0)\r\n" } ?? "")
            + "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        guard sendAll(client, Array(head.utf8) + body.prefix(sent)) else { return }
        if case .endless = reply {
            let zeros = [UInt8](repeating: 0, count: 1 << 16)
            while !shouldStop, sendAll(client, zeros) {}
        }
        let stallEnd = Date().addingTimeInterval(stall)
        while !shouldStop, Date() < stallEnd { usleep(50_000) }
    }

    /// Sends all of `bytes`; false once the client has gone.
    private func sendAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}
