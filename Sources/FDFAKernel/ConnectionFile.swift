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
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Invalid(description: "cannot read the connection file \(path): \(error.localizedDescription)")
        }
        do {
            self = try JSONDecoder().decode(ConnectionFile.self, from: data)
        } catch {
            throw Invalid(description: "\(path) is not a Jupyter connection file: \(error)")
        }
        guard key.isEmpty || signatureScheme == "hmac-sha256" else {
            throw Invalid(description: "\(path): signature scheme '\(signatureScheme)' is not supported (only hmac-sha256)")
        }
    }

    /// The address a socket on `port` binds to: tcp://IP:PORT, or ipc://IP-PORT for the ipc transport.
    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
    }
}
