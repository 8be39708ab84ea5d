import CCrypto
import Foundation

/// Signs and checks Jupyter messages: the hex HMAC-SHA256, under the connection file's key, of the
/// header, parent header, metadata and content frames in that order (OpenSSL's libcrypto computes it).
/// An empty key means the connection is unsigned: the signature is empty and nothing is checked.
public struct Signer {
    private let key: [UInt8]

    public init(key: String) { self.key = Array(key.utf8) }

    /// The lower-case hex signature of the frames, or "" without a key.
    public func signature(of frames: [Data]) -> String {
        guard !key.isEmpty else { return "" }
        var message = Data()
        for frame in frames { message.append(frame) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = message.withUnsafeBytes { bytes in
            HMAC(EVP_sha256(), key, Int32(key.count), bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, &digest, &length)
        }
        precondition(ok != nil, "OpenSSL's HMAC-SHA256 failed")
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is the frames' signature, compared in constant time (a timing side channel
    /// would let another local user forge messages byte by byte).
    public func verifies(_ signature: String, of frames: [Data]) -> Bool {
        guard !key.isEmpty else { return true }
        let expected = Array(self.signature(of: frames).utf8), given = Array(signature.utf8)
        return expected.count == given.count && CRYPTO_memcmp(expected, given, expected.count) == 0
    }
}
