import FDFAData
import Foundation

/// The connection file Jupyter writes before starting a kernel: where to bind the five sockets and
/// the key that signs messages.
public struct ConnectionFile: Decodable {
    public let transport: String
    public let ip: String
    public let shellPort: Int
    public let iopubPort: Int
    public let stdinPort: Int
    public let controlPort: Int
    public let heartbeatPort: Int
    public let key: String
    public let signatureScheme: String

    enum CodingKeys: String, CodingKey {
        case transport, ip, key
        case shellPort = "shell_port", iopubPort = "iopub_port", stdinPort = "stdin_port"
        case controlPort = "control_port", heartbeatPort = "hb_port", signatureScheme = "signature_scheme"
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(contentsOf path: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.readRaw(path)
        } catch {
            throw Invalid(description: "the connection file: \(error)")
        }
        do {
            self = try JSONDecoder().decode(ConnectionFile.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Invalid(description: "\(path) is not a Jupyter connection file: \(Self.explain(error))")
        }
        guard key.isEmpty || signatureScheme == "hmac-sha256" else {
            throw Invalid(description: "\(path): signature scheme '\(signatureScheme)' is not supported (only hmac-sha256)")
        }
    }

    /// What is wrong, in the connection file's own terms (field names as Jupyter writes them),
    /// instead of the decoder's debugging text.
    private static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _):
            return "it has no \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = context.codingPath.last?.stringValue ?? "its top level"
            return "\"\(field)\" has the wrong type (ports are whole numbers, the other fields strings)"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "it is not valid JSON"
        case .dataCorrupted(let context):
            return "\"\(context.codingPath.last?.stringValue ?? "")\" is not valid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The address a socket on `port` binds to: tcp://IP:PORT, or ipc://IP-PORT for the ipc transport.
    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
    }
}
