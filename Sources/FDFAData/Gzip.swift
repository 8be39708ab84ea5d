import CDeflate

/// gzip decompression through libdeflate, bounded so that a corrupt or bomb-like stream is an error.
///
/// libdeflate inflates whole buffers, about 1.5x as fast as zlib's streaming inflate here (130 ms
/// instead of 200 for Fashion-MNIST's training images, most of the time it takes to load the data
/// set), but it needs the output buffer before it starts. So the buffer is sized from the gzip
/// trailer, and every stop condition stays ours: the buffer never grows past `limit`; when the
/// members do not fit, the buffer doubles and the input is inflated again from the start, so each
/// round either finishes, fails, or doubles the room until the limit refuses it, and no input can
/// make it spin.
enum Gzip {
    static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Decompresses all gzip members of `input` (concatenated members are allowed, as gzip does).
    static func decompress(_ input: [UInt8], file: String, limit: Int) throws -> [UInt8] {
        try input.withUnsafeBytes { try decompress($0, file: file, limit: limit) }
    }

    /// Decompresses all gzip members of `input` (concatenated members are allowed, as gzip does).
    /// Each member's CRC-32 and length field are checked against what it really inflated to.
    static func decompress(_ input: UnsafeRawBufferPointer, file: String, limit: Int) throws -> [UInt8] {
        guard !input.isEmpty else { throw corrupt(file, memberAt: 0) }
        // The trailer's length field is the last member's size (mod 2³²), so for a valid file the
        // whole output is at least that large: a field beyond the limit is refused before anything
        // is allocated or inflated. A truncated file's last bytes are no length field and usually
        // read as a huge number, so the message puts truncation first.
        let claimed = trailerLength(input)
        guard claimed <= limit else {
            throw DataError.malformed(file: file, reason: "corrupt or truncated gzip stream: its trailer claims \(claimed) bytes, "
                + "more than the \(limit >> 20) MiB a data set file may hold; refusing")
        }
        guard let decompressor = libdeflate_alloc_decompressor() else {
            throw DataError.malformed(file: file, reason: "libdeflate could not start (out of memory?)")
        }
        defer { libdeflate_free_decompressor(decompressor) }
        var room = firstRoom(claimed: claimed, inputCount: input.count, limit: limit)
        while true {
            var fitted = false
            // Uninitialised: the bytes are written once, by libdeflate; `count` only ever covers
            // members that inflated and checked out, so nothing unwritten is ever exposed.
            let output = try [UInt8](unsafeUninitializedCapacity: room) { buffer, count in
                let output = UnsafeMutableBufferPointer(rebasing: buffer[..<room])
                fitted = try inflateMembers(input, into: output, count: &count, decompressor, file: file)
            }
            if fitted { return output }
            guard room < limit else { throw tooLarge(file, limit: limit) }
            room = min(limit, room * 2)
        }
    }

    /// Inflates the members of `input` one after another into `output`, keeping `count` at the bytes
    /// written by the members done so far. False when a member does not fit in the room left.
    private static func inflateMembers(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>,
                                       count: inout Int, _ decompressor: OpaquePointer, file: String) throws -> Bool {
        var consumed = 0
        while consumed < input.count {
            // libdeflate inflates a member in one call, so Ctrl-C is looked at between members.
            try DataError.throwIfInterrupted()
            var memberIn = 0, memberOut = 0
            let status = libdeflate_gzip_decompress_ex(decompressor, input.baseAddress! + consumed, input.count - consumed,
                                                       output.baseAddress! + count, output.count - count,
                                                       &memberIn, &memberOut)
            switch status {
            case LIBDEFLATE_SUCCESS: break
            case LIBDEFLATE_INSUFFICIENT_SPACE: return false
            default: throw corrupt(file, memberAt: consumed)
            }
            // libdeflate has checked the CRC-32 and the length field; the length is checked here
            // too because the buffer was sized from such a field, so the real size must match it.
            let member = input[consumed ..< consumed + memberIn]
            guard memberIn >= 8, memberOut & 0xFFFF_FFFF == trailerLength(member) else { throw corrupt(file, memberAt: consumed) }
            consumed += memberIn
            count += memberOut
        }
        return true
    }

    /// The room to inflate into first. For the usual single-member file the trailer's length field
    /// is the exact output size, so the buffer is right at once (no growing, no copying, no
    /// over-allocation). The field is only a hint: it is capped by deflate's largest possible
    /// expansion (1032:1), so a lying field on a small file cannot reserve much, and raised to 64 KiB
    /// so that a multi-member file (whose field gives only its last member's size) does not start tiny.
    private static func firstRoom(claimed: Int, inputCount: Int, limit: Int) -> Int {
        max(1, min(limit, 1032 * inputCount, max(claimed, 1 << 16)))
    }

    /// The last four bytes as a little-endian number: the gzip trailer's length field (ISIZE).
    private static func trailerLength<Bytes: Collection>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8 {
        bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    private static func tooLarge(_ file: String, limit: Int) -> DataError {
        DataError.malformed(file: file, reason: "decompresses to more than \(limit >> 20) MiB; refusing (corrupt or not a data set file)")
    }

    /// libdeflate does not say what is wrong (a bad header, block, CRC or length, or input that ends
    /// early all look alike), so the message names the member where it went wrong.
    private static func corrupt(_ file: String, memberAt offset: Int) -> DataError {
        DataError.malformed(file: file, reason: "corrupt or truncated gzip stream"
            + (offset > 0 ? " (in the member starting at byte \(offset))" : ""))
    }
}
