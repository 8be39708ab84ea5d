/// Just enough of the tar format (POSIX ustar and GNU) to take regular files out of the CIFAR
/// archives: 512-byte headers with an octal size, contents padded to 512 bytes, two zero blocks at
/// the end. Links, devices and the like are skipped; long names (GNU 'L', pax 'x') are honoured.
enum Tar {
    struct Entry {
        let path: String
        let contents: ArraySlice<UInt8>
    }

    /// The regular files of the archive, in order.
    static func entries(_ bytes: [UInt8], file: String) throws -> [Entry] {
        var entries: [Entry] = []
        var offset = 0
        var longName: String?
        while offset + 512 <= bytes.count {
            let header = bytes[offset ..< offset + 512]
            if header.allSatisfy({ $0 == 0 }) { return entries }
            guard checksumMatches(header) else {
                throw DataError.malformed(file: file, reason: "tar header at byte \(offset) has a bad checksum (corrupt archive)")
            }
            guard let size = octal(header, 124, 12) else {
                throw DataError.malformed(file: file, reason: "tar header at byte \(offset) has an unreadable size")
            }
            let start = offset + 512
            guard size <= bytes.count - start else {
                throw DataError.malformed(file: file, reason: "tar entry at byte \(offset) claims \(size) bytes past the end (truncated archive)")
            }
            let contents = bytes[start ..< start + size]
            let type = header[header.startIndex + 156]
            switch type {
            case UInt8(ascii: "0"), 0:
                let prefix = string(header, 345, 155), name = string(header, 0, 100)
                let path = longName ?? (prefix.isEmpty ? name : prefix + "/" + name)
                entries.append(Entry(path: path, contents: contents))
                longName = nil
            case UInt8(ascii: "L"):
                longName = String(decoding: contents.prefix { $0 != 0 }, as: UTF8.self)
            case UInt8(ascii: "x"):
                longName = paxPath(contents) ?? longName
            default:
                longName = nil
            }
            offset = start + (size + 511) / 512 * 512
        }
        throw DataError.malformed(file: file, reason: "tar archive ends without its end-of-archive blocks (truncated)")
    }

    private static func string(_ header: ArraySlice<UInt8>, _ at: Int, _ length: Int) -> String {
        let field = header[header.startIndex + at ..< header.startIndex + at + length]
        return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func octal(_ header: ArraySlice<UInt8>, _ at: Int, _ length: Int) -> Int? {
        let text = string(header, at, length).filter { $0 != " " }
        return text.isEmpty ? 0 : Int(text, radix: 8)
    }

    /// The header checksum: the byte sum with the checksum field itself counted as spaces.
    private static func checksumMatches(_ header: ArraySlice<UInt8>) -> Bool {
        guard let stored = octal(header, 148, 8) else { return false }
        let sum = header.enumerated().reduce(0) { $0 + (148 ..< 156 ~= $1.offset ? 32 : Int($1.element)) }
        return sum == stored
    }

    /// The "path" record of a pax extended header ("<len> path=<value>\n" lines).
    private static func paxPath(_ contents: ArraySlice<UInt8>) -> String? {
        for line in String(decoding: contents, as: UTF8.self).split(separator: "\n") {
            if let range = line.range(of: " path=") { return String(line[range.upperBound...]) }
        }
        return nil
    }
}
