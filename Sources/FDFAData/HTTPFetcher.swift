import FDFAEngine
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A blocking HTTP(S) GET with timeouts and a size limit, built on URLSession: the downloader's
/// only network access.
struct HTTPFetcher {
    /// Longest wait for the server to answer or send more bytes.
    let idleTimeout: TimeInterval
    /// Longest time one whole file may take.
    let totalTimeout: TimeInterval
    /// The most bytes a body may have: a server that announces more, or sends more, is refused
    /// before it exhausts the memory (the largest data set file, CIFAR-100's archive, is 161 MB).
    var sizeLimit = 512 << 20

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The body of a 200 response, complete (as long as the server's Content-Length says).
    /// Throws `DataError.interrupted` on Ctrl-C.
    func get(_ url: URL) throws -> [UInt8] {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.timeoutIntervalForResource = totalTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let body = Body(limit: sizeLimit)
        let session = URLSession(configuration: configuration, delegate: body, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: url)
        task.resume()
        // Waits in short slices so that Ctrl-C cancels the transfer within a tenth of a second.
        let deadline = DispatchTime.now() + totalTimeout + idleTimeout
        while body.done.wait(timeout: min(deadline, .now() + 0.1)) == .timedOut {
            if Interrupt.requested {
                task.cancel()
                throw DataError.interrupted
            }
            if DispatchTime.now() >= deadline {
                task.cancel()
                throw Failure(description: "timed out after \(Int(totalTimeout)) s")
            }
        }
        let (data, response, error, refusal) = body.outcome
        if let refusal { throw Failure(description: refusal) }
        if let error { throw Failure(description: reason(error)) }
        guard let response else { throw Failure(description: "no answer") }
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            throw Failure(description: "HTTP \(http.statusCode)")
        }
        if response.expectedContentLength >= 0, Int64(data.count) != response.expectedContentLength {
            throw Failure(description: "truncated: \(data.count) of \(response.expectedContentLength) bytes")
        }
        return [UInt8](data)
    }

    /// What went wrong, in words: Foundation on Linux describes URL errors only by their code
    /// ("The operation could not be completed. (NSURLErrorDomain error -1001.)").
    private func reason(_ error: Error) -> String {
        switch (error as? URLError)?.code {
        case .timedOut?: return "timed out (nothing for \(Int(idleTimeout)) s, or more than \(Int(totalTimeout)) s in all)"
        case .cannotConnectToHost?: return "cannot connect (connection refused)"
        case .cannotFindHost?, .dnsLookupFailed?: return "unknown host"
        case .networkConnectionLost?: return "connection lost"
        case .notConnectedToInternet?: return "no network connection"
        case .secureConnectionFailed?, .serverCertificateUntrusted?, .serverCertificateHasBadDate?: return "TLS connection failed"
        default: return (error as NSError).localizedDescription
        }
    }

    /// Collects one response's body as it arrives, refusing it past the limit; `done` is signalled
    /// when the task ends. URLSession calls it on its delegate queue, one call at a time.
    private final class Body: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let limit: Int
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var data = Data(), response: URLResponse?, error: Error?, refusal: String?

        init(limit: Int) { self.limit = limit }

        /// The body, the response, the error and why the body was refused, read once `done` was signalled.
        var outcome: (Data, URLResponse?, Error?, String?) {
            lock.lock()
            defer { lock.unlock() }
            return (data, response, error, refusal)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            guard response.expectedContentLength <= Int64(limit) else {
                refuse("announces \(response.expectedContentLength) bytes, more than the \(limitText) any data set file has")
                return completionHandler(.cancel)
            }
            lock.lock()
            self.response = response
            lock.unlock()
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            lock.lock()
            let within = self.data.count + data.count <= limit
            if within { self.data.append(data) }
            lock.unlock()
            if !within {
                refuse("sent more than the \(limitText) any data set file has")
                dataTask.cancel()
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            lock.lock()
            self.error = error
            lock.unlock()
            done.signal()
        }

        private var limitText: String { limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit) bytes" }

        private func refuse(_ reason: String) {
            lock.lock()
            if refusal == nil { refusal = reason }
            lock.unlock()
        }
    }
}
