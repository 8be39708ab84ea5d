import Foundation

/// A JSON object as Foundation's JSONSerialization reads and writes it.
typealias JSON = [String: Any]

/// One Jupyter message (protocol 5.3): its routing identities, header, parent header, metadata
/// and content.
///
/// On the wire it is the identities, the delimiter `<IDS|MSG>`, the hex HMAC signature, then the
/// four JSON frames (and any binary buffers, which fdfa neither sends nor reads).
struct Message {
    static let protocolVersion = "5.3"
    static let delimiter = Data("<IDS|MSG>".utf8)

    var identities: [Data]
    var header: JSON
    var parentHeader: JSON
    var metadata: JSON
    var content: JSON

    var type: String { header["msg_type"] as? String ?? "" }
    var id: String { header["msg_id"] as? String ?? "" }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses and checks the frames of a received message.
    init(frames: [Data], signer: Signer) throws {
        guard let split = frames.firstIndex(of: Message.delimiter), frames.count >= split + 6 else {
            throw Malformed(description: "a message without the \(String(decoding: Message.delimiter, as: UTF8.self)) delimiter and its five frames")
        }
        let signed = Array(frames[(split + 2) ..< (split + 6)])
        guard signer.verifies(String(decoding: frames[split + 1], as: UTF8.self), of: signed) else {
            throw Malformed(description: "a message with a wrong signature")
        }
        let objects = try signed.map { frame -> JSON in
            guard let object = try? JSONSerialization.jsonObject(with: frame) as? JSON else {
                throw Malformed(description: "a message frame that is not a JSON object")
            }
            return object
        }
        identities = Array(frames[..<split])
        (header, parentHeader, metadata, content) = (objects[0], objects[1], objects[2], objects[3])
    }

    /// A new message of `type` in reply to (or caused by) `parent`, from the kernel's session.
    init(type: String, content: JSON, parent: Message?, session: String, identities: [Data]? = nil, metadata: JSON = [:]) {
        self.identities = identities ?? parent?.identities ?? []
        header = [
            "msg_id": UUID().uuidString.lowercased(), "session": session, "username": "fdfa", "msg_type": type,
            "version": Message.protocolVersion, "date": Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
        ]
        parentHeader = parent?.header ?? [:]
        self.metadata = metadata
        self.content = content
    }

    func frames(signer: Signer) throws -> [Data] {
        let signed = try [header, parentHeader, metadata, content].map { try JSONSerialization.data(withJSONObject: $0) }
        return identities + [Message.delimiter, Data(signer.signature(of: signed).utf8)] + signed
    }
}
