import FDFAEngine
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A blocking HTTP(S) GET with timeouts, built on URLSession: the downloader's only network access.
struct HTTPFetcher {
    /// Longest wait for the server to answer or send more bytes.
    let idleTimeout: TimeInterval
    /// Longest time one whole file may take.
    let totalTimeout: TimeInterval

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
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<(Data, URLResponse), Error> = .failure(Failure(description: "no answer"))
        let task = session.dataTask(with: url) { data, response, error in
            if let data, let response {
                outcome = .success((data, response))
            } else {
                outcome = .failure(error ?? Failure(description: "no data"))
            }
            done.signal()
        }
        task.resume()
        // Waits in short slices so that Ctrl-C cancels the transfer within a tenth of a second.
        let deadline = DispatchTime.now() + totalTimeout + idleTimeout
        while done.wait(timeout: min(deadline, .now() + 0.1)) == .timedOut {
            if Interrupt.requested {
                task.cancel()
                throw DataError.interrupted
            }
            if DispatchTime.now() >= deadline {
                task.cancel()
                throw Failure(description: "timed out after \(Int(totalTimeout)) s")
            }
        }
        let (data, response): (Data, URLResponse)
        do { (data, response) = try outcome.get() } catch {
            throw Failure(description: reason(error))
        }
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
}
