/// Encodes the header block(s) of one tar entry: a ustar header, preceded by a PAX extended header when a field does
/// not fit ustar (long or non-ASCII names and link targets, sizes of 8 GiB and more, mtimes beyond the octal range).
///
/// Everything that is not a property of the entry is fixed: uid and gid 0 unless the entry has exact attributes,
/// empty user and group names, device numbers 0. So the same entry always encodes to the same bytes. Extended
/// attributes become PAX `SCHILY.xattr.<name>` records (binary values are fine: records are length-prefixed).
struct TarHeader {
    /// The tar block size.
    static let blockSize = 512
    /// Largest value an 11-digit octal field can hold, plus one (8 GiB for sizes).
    static let octalLimit: Int64 = 1 << 33

    /// The ustar type flag of an entry.
    enum TypeFlag: UInt8 {
        case regular = 0x30  // "0"
        case hardlink = 0x31  // "1"
        case symlink = 0x32  // "2"
        case directory = 0x35  // "5"
        case paxExtended = 0x78  // "x"
    }

    /// The path as stored (directories end in `/`).
    var name: String
    /// The entry type.
    var type: TypeFlag
    /// The permission bits.
    var mode: UInt32
    /// The number of content bytes that follow the header.
    var size: Int64
    /// The modification time in seconds since the epoch (never negative).
    var mtime: Int64
    /// The link target for symlinks and hardlinks.
    var linkName: String = ""
    /// The numeric owner.
    var uid: UInt32 = 0
    /// The numeric group.
    var gid: UInt32 = 0
    /// Extended attributes, in the order they are written (sorted by name).
    var xattrs: [(name: String, value: [UInt8])] = []

    /// Largest value a 7-digit octal id field can hold, plus one.
    static let idLimit: UInt32 = 1 << 21

    /// The header bytes: a multiple of 512 bytes, PAX header and its records first when needed.
    func encode() -> [UInt8] {
        var records: [(key: String, value: [UInt8])] = []
        let nameBytes = Array(name.utf8)
        let split = TarHeader.ustarSplit(nameBytes)
        if split == nil {
            records.append(("path", nameBytes))
        }
        let linkBytes = Array(linkName.utf8)
        let linkFits = linkBytes.count <= 100 && TarHeader.isPlainASCII(linkBytes)
        if !linkFits {
            records.append(("linkpath", linkBytes))
        }
        if mtime >= TarHeader.octalLimit {
            records.append(("mtime", Array(String(mtime).utf8)))
        }
        if size >= TarHeader.octalLimit {
            records.append(("size", Array(String(size).utf8)))
        }
        if uid >= TarHeader.idLimit {
            records.append(("uid", Array(String(uid).utf8)))
        }
        if gid >= TarHeader.idLimit {
            records.append(("gid", Array(String(gid).utf8)))
        }
        for (xattrName, value) in xattrs {
            records.append(("SCHILY.xattr." + xattrName, value))
        }
        records.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }

        var out: [UInt8] = []
        if !records.isEmpty {
            let payload = TarHeader.paxPayload(records)
            let paxHeader = TarHeader(
                name: TarHeader.paxHeaderName(for: nameBytes), type: .paxExtended, mode: 0o644,
                size: Int64(payload.count), mtime: min(mtime, TarHeader.octalLimit - 1))
            out += paxHeader.encode()
            out += payload
            out += [UInt8](repeating: 0, count: TarHeader.padding(for: Int64(payload.count)))
        }

        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        let (prefix, suffix) = split ?? ([], TarHeader.asciiFallback(nameBytes, limit: 100))
        TarHeader.put(suffix, into: &block, at: 0, width: 100)
        TarHeader.putOctal(Int64(mode), into: &block, at: 100, width: 8)
        TarHeader.putOctal(uid < TarHeader.idLimit ? Int64(uid) : 0, into: &block, at: 108, width: 8)
        TarHeader.putOctal(gid < TarHeader.idLimit ? Int64(gid) : 0, into: &block, at: 116, width: 8)
        TarHeader.putOctal(size < TarHeader.octalLimit ? size : 0, into: &block, at: 124, width: 12)
        TarHeader.putOctal(mtime < TarHeader.octalLimit ? mtime : 0, into: &block, at: 136, width: 12)
        block[156] = type.rawValue
        TarHeader.put(
            linkFits ? linkBytes : TarHeader.asciiFallback(linkBytes, limit: 100), into: &block, at: 157, width: 100)
        TarHeader.put(Array("ustar".utf8) + [0], into: &block, at: 257, width: 6)
        TarHeader.put(Array("00".utf8), into: &block, at: 263, width: 2)
        TarHeader.putOctal(0, into: &block, at: 329, width: 8)
        TarHeader.putOctal(0, into: &block, at: 337, width: 8)
        TarHeader.put(prefix, into: &block, at: 345, width: 155)
        TarHeader.setChecksum(&block)
        out += block
        return out
    }

    /// Zero bytes needed after `size` content bytes to reach a block boundary.
    static func padding(for size: Int64) -> Int {
        let remainder = Int(size % Int64(blockSize))
        return remainder == 0 ? 0 : blockSize - remainder
    }

    /// Whether every byte is printable-range ASCII (1…127), the only bytes ustar fields carry here.
    static func isPlainASCII(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 > 0 && $0 < 0x80 }
    }

    /// Splits an ASCII name into ustar `prefix` (≤155 bytes) and `name` (≤100 bytes) at a `/`, or returns `nil` when
    /// the name needs a PAX `path` record. Short names go entirely into `name`.
    static func ustarSplit(_ bytes: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        guard isPlainASCII(bytes) else { return nil }
        if bytes.count <= 100 { return ([], bytes) }
        let slash = UInt8(ascii: "/")
        // The last byte is never a split point: the name part would be empty (it is the trailing `/` of a directory).
        for index in bytes.indices.dropLast() where bytes[index] == slash {
            let prefixLength = index
            let nameLength = bytes.count - index - 1
            if prefixLength > 155 { return nil }
            if nameLength <= 100 && prefixLength > 0 {
                return (Array(bytes[..<index]), Array(bytes[(index + 1)...]))
            }
        }
        return nil
    }

    /// A deterministic ASCII stand-in for a field carried in a PAX record: non-ASCII bytes become `_`, cut to `limit`.
    static func asciiFallback(_ bytes: [UInt8], limit: Int) -> [UInt8] {
        Array(bytes.prefix(limit).map { $0 > 0 && $0 < 0x80 ? $0 : UInt8(ascii: "_") })
    }

    /// The name of a PAX extended header entry: `PaxHeaders/<basename>`, ASCII, at most 100 bytes.
    static func paxHeaderName(for nameBytes: [UInt8]) -> String {
        var trimmed = nameBytes
        while trimmed.last == UInt8(ascii: "/") { trimmed.removeLast() }
        let base = trimmed.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? []
        let prefix = Array("PaxHeaders/".utf8)
        let bytes = prefix + asciiFallback(base, limit: 100 - prefix.count)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// PAX records `"<length> <key>=<value>\n"`, where the length counts the bytes of the whole record including its
    /// own digits; values may be binary.
    static func paxPayload(_ records: [(key: String, value: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (key, value) in records {
            let body = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
            var length = body.count + 1
            while String(length).utf8.count + body.count != length {
                length = String(length).utf8.count + body.count
            }
            out += Array(String(length).utf8) + body
        }
        return out
    }

    /// ``paxPayload(_:)`` for text values.
    static func paxPayload(_ records: [(key: String, value: String)]) -> [UInt8] {
        paxPayload(records.map { (key: $0.key, value: Array($0.value.utf8)) })
    }

    /// Copies `bytes` into `block[offset..<offset+width]`; the rest of the field stays NUL.
    static func put(_ bytes: [UInt8], into block: inout [UInt8], at offset: Int, width: Int) {
        for (index, byte) in bytes.prefix(width).enumerated() {
            block[offset + index] = byte
        }
    }

    /// Writes `value` as zero-padded octal digits filling `width - 1` bytes, followed by a NUL.
    static func putOctal(_ value: Int64, into block: inout [UInt8], at offset: Int, width: Int) {
        var digits = Array(String(value, radix: 8).utf8)
        let wanted = width - 1
        if digits.count < wanted {
            digits = [UInt8](repeating: UInt8(ascii: "0"), count: wanted - digits.count) + digits
        }
        put(digits, into: &block, at: offset, width: wanted)
        block[offset + wanted] = 0
    }

    /// Computes the header checksum (unsigned sum with the checksum field as spaces) and stores it as six octal
    /// digits, a NUL and a space, as POSIX describes.
    static func setChecksum(_ block: inout [UInt8]) {
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int64($1) }
        putOctal(sum, into: &block, at: 148, width: 7)
        block[155] = UInt8(ascii: " ")
    }
}
