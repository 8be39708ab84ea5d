import CZlib

/// gzip decompression through zlib, bounded so that a corrupt or bomb-like stream is an error.
///
/// zlib is driven by hand (not through a file API) so that every stop condition is ours: the output
/// never grows past `limit`, a stream that ends early is "truncated", and every loop iteration
/// either makes progress or ends, so no input can make it spin.
enum Gzip {
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Decompresses all gzip members of `input` (concatenated members are allowed, as gzip does).
    static func decompress(_ input: [UInt8], file: String, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer (CRC-32 and length are checked by zlib).
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.malformed(file: file, reason: "zlib could not start (out of memory?)")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: min(limit, max(1 << 16, sizeHint(input))))
        var produced = 0
        try input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress!)
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                if produced == output.count {
                    guard output.count < limit else {
                        throw DataError.malformed(file: file, reason: "decompresses to more than \(limit >> 20) MiB; refusing (corrupt or not a data set file)")
                    }
                    output += [UInt8](repeating: 0, count: min(limit, output.count * 2) - output.count)
                }
                let room = min(output.count - produced, Int(UInt32.max))
                let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return }
                    // Another gzip member follows; it must be a valid one too.
                    guard inflateReset(&stream) == Z_OK else {
                        throw DataError.malformed(file: file, reason: "corrupt gzip stream after member end")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: either the output is full (grow above) or the input ran out.
                    if stream.avail_out == 0 { continue }
                    throw DataError.malformed(file: file, reason: "truncated gzip stream (ends after \(produced) decompressed bytes)")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw DataError.malformed(file: file, reason: "corrupt gzip stream: \(message)")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// The output size to allocate first: a gzip trailer ends with its member's decompressed size
    /// (mod 2³², little-endian), which for the usual single-member file is the whole output, so the
    /// buffer is the right size at once instead of over-allocated (a 47 MB file would get 105 MB by
    /// guessing from the compressed size) or copied while growing. Only a hint: the output still grows
    /// as needed and never past the limit.
    private static func sizeHint(_ input: [UInt8]) -> Int {
        guard input.count >= 4 else { return 0 }
        return input[(input.count - 4)...].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
