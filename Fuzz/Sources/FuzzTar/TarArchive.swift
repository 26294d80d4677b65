import Layers

/// A small, strict reader of ustar + PAX archives, written independently of the writer to check its output.
enum TarArchive {
    /// One archive member with the PAX records before it applied.
    struct Member {
        var path: String
        var type: UInt8
        var mode: UInt32
        var uid: UInt32
        var gid: UInt32
        var size: Int
        var linkPath: String
        var xattrs: [String: [UInt8]]
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static let block = 512

    /// Every member of `archive`, which must end with two zero blocks and nothing after them.
    static func members(of archive: [UInt8]) throws -> [Member] {
        guard archive.count % block == 0 else { throw Malformed("size \(archive.count) is not a multiple of 512") }
        var members: [Member] = []
        var pax: [String: [UInt8]] = [:]
        var offset = 0
        while true {
            guard offset + 2 * block <= archive.count else { throw Malformed("no end-of-archive marker") }
            let header = Array(archive[offset..<(offset + block)])
            if header.allSatisfy({ $0 == 0 }) {
                guard archive[(offset + block)...].allSatisfy({ $0 == 0 }), offset + 2 * block == archive.count else {
                    throw Malformed("data after the first zero block at \(offset)")
                }
                guard pax.isEmpty else { throw Malformed("PAX header without a member at the end") }
                return members
            }
            try checkChecksum(header, at: offset)
            guard header[257..<263] == Array("ustar\0".utf8)[...], header[263..<265] == Array("00".utf8)[...] else {
                throw Malformed("header at \(offset) is not ustar")
            }
            let size = try octal(header, 124, 12, at: offset)
            let type = header[156]
            let contentStart = offset + block
            let contentEnd = contentStart + size
            guard contentEnd <= archive.count else { throw Malformed("member at \(offset) runs past the end") }
            let content = Array(archive[contentStart..<contentEnd])
            guard archive[contentEnd..<(contentEnd + padding(size))].allSatisfy({ $0 == 0 }) else {
                throw Malformed("padding after member at \(offset) is not zero")
            }
            offset = contentEnd + padding(size)
            if type == UInt8(ascii: "x") {
                guard pax.isEmpty else { throw Malformed("two PAX headers in a row at \(contentStart - block)") }
                pax = try records(content)
                guard !pax.isEmpty else { throw Malformed("empty PAX header") }
                continue
            }
            var name = string(header[0..<100])
            let prefix = string(header[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
            var member = Member(
                path: name, type: type, mode: UInt32(try octal(header, 100, 8, at: offset)),
                uid: UInt32(try octal(header, 108, 8, at: offset)), gid: UInt32(try octal(header, 116, 8, at: offset)),
                size: size, linkPath: string(header[157..<257]), xattrs: [:])
            for (key, value) in pax {
                let text = String(decoding: value, as: UTF8.self)
                switch key {
                case "path": member.path = text
                case "linkpath": member.linkPath = text
                case "uid": member.uid = UInt32(text)!
                case "gid": member.gid = UInt32(text)!
                case "size", "mtime": break
                default:
                    guard key.hasPrefix("SCHILY.xattr.") else { throw Malformed("unexpected PAX record \(key)") }
                    member.xattrs[String(key.dropFirst("SCHILY.xattr.".count))] = value
                }
            }
            pax = [:]
            members.append(member)
        }
    }

    /// Asserts that `member` is what the writer was asked to write for `entry`.
    static func check(_ member: Member, matches entry: LayerEntry, in entries: [LayerEntry]) {
        var metadata = entry
        let expectedType: UInt8
        var expectedPath = entry.path
        var expectedLink = ""
        switch entry.kind {
        case .directory:
            expectedType = UInt8(ascii: "5")
            expectedPath += "/"
        case .file(_, let size, _):
            expectedType = UInt8(ascii: "0")
            precondition(member.size == size, "\(entry.path): size \(member.size), not \(size)")
        case .symlink(let target):
            expectedType = UInt8(ascii: "2")
            expectedLink = target
        case .hardlink(let target):
            expectedType = UInt8(ascii: "1")
            expectedLink = target
            metadata = entries.first { $0.path == target } ?? entry
        }
        precondition(
            member.path == expectedPath, "path \(member.path.debugDescription), not \(expectedPath.debugDescription)")
        precondition(member.type == expectedType, "\(entry.path): type \(member.type), not \(expectedType)")
        precondition(member.linkPath == expectedLink, "\(entry.path): link \(member.linkPath.debugDescription)")
        precondition(member.mode == metadata.mode, "\(entry.path): mode \(String(member.mode, radix: 8))")
        precondition(member.uid == (metadata.attributes?.uid ?? 0), "\(entry.path): uid \(member.uid)")
        precondition(member.gid == (metadata.attributes?.gid ?? 0), "\(entry.path): gid \(member.gid)")
        precondition(member.xattrs == (metadata.attributes?.xattrs ?? [:]), "\(entry.path): xattrs differ")
    }

    /// PAX records `"<length> <key>=<value>\n"`; the length must count the whole record.
    static func records(_ payload: [UInt8]) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        var index = 0
        while index < payload.count {
            guard let space = payload[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: payload[index..<space], as: UTF8.self)), length > 0,
                index + length <= payload.count, payload[index + length - 1] == UInt8(ascii: "\n"),
                let equals = payload[space..<(index + length)].firstIndex(of: UInt8(ascii: "="))
            else { throw Malformed("bad PAX record at \(index)") }
            let key = String(decoding: payload[(space + 1)..<equals], as: UTF8.self)
            guard result[key] == nil else { throw Malformed("PAX record \(key) twice") }
            result[key] = Array(payload[(equals + 1)..<(index + length - 1)])
            index += length
        }
        return result
    }

    private static func checkChecksum(_ header: [UInt8], at offset: Int) throws {
        var copy = header
        for index in 148..<156 { copy[index] = UInt8(ascii: " ") }
        let sum = copy.reduce(0) { $0 + Int($1) }
        guard try octal(header, 148, 7, at: offset) == sum else { throw Malformed("bad checksum at \(offset)") }
    }

    private static func octal(_ header: [UInt8], _ start: Int, _ width: Int, at offset: Int) throws -> Int {
        var value = 0
        var sawDigit = false
        for byte in header[start..<(start + width)] {
            if byte == 0 || byte == UInt8(ascii: " ") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else {
                throw Malformed("bad octal field at \(offset + start)")
            }
            value = value * 8 + Int(byte - UInt8(ascii: "0"))
            sawDigit = true
        }
        guard sawDigit else { throw Malformed("empty octal field at \(offset + start)") }
        return value
    }

    private static func padding(_ size: Int) -> Int { (block - size % block) % block }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
