import Testing

@testable import Layers

/// Header encoding details that real files of this size cannot cover quickly (8 GiB files, far-future mtimes).
@Suite struct TarHeaderTests {
    /// Parses an octal field up to its first NUL or space.
    func octal(_ block: ArraySlice<UInt8>) -> Int64 {
        Int64(String(decoding: block.prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self), radix: 8) ?? -1
    }

    func checksumIsValid(_ block: [UInt8]) -> Bool {
        var copy = block
        for index in 148..<156 { copy[index] = 0x20 }
        return octal(block[148..<156]) == copy.reduce(0) { $0 + Int64($1) }
    }

    @Test func hugeSizeAndFarMtimeGoToPax() {
        let size: Int64 = 9 * (1 << 30)
        let bytes = TarHeader(name: "model.bin", type: .regular, mode: 0o644, size: size, mtime: 1 << 34).encode()
        #expect(bytes.count == 3 * 512)
        let pax = Array(bytes[0..<512])
        #expect(pax[156] == UInt8(ascii: "x"))
        #expect(checksumIsValid(pax))
        let payloadLength = Int(octal(pax[124..<136]))
        let payload = String(decoding: bytes[512..<(512 + payloadLength)], as: UTF8.self)
        #expect(payload == "21 mtime=17179869184\n19 size=9663676416\n")
        let header = Array(bytes[1024..<1536])
        #expect(octal(header[124..<136]) == 0)
        #expect(checksumIsValid(header))
        #expect(String(decoding: header[0..<9], as: UTF8.self) == "model.bin")
    }

    @Test func ustarPrefixSplitAndLimits() throws {
        let name100 = String(repeating: "a", count: 100)
        #expect(TarHeader.ustarSplit(Array(name100.utf8))?.prefix.isEmpty == true)
        let split = TarHeader.ustarSplit(Array((String(repeating: "p", count: 155) + "/" + name100).utf8))
        #expect(split?.prefix.count == 155 && split?.name.count == 100)
        #expect(TarHeader.ustarSplit(Array((String(repeating: "p", count: 156) + "/" + name100).utf8)) == nil)
        #expect(TarHeader.ustarSplit(Array(String(repeating: "a", count: 101).utf8)) == nil)
        #expect(TarHeader.ustarSplit(Array("é".utf8)) == nil)
        // A directory's trailing slash is never the split point.
        let directory = String(repeating: "d", count: 101) + "/"
        #expect(TarHeader.ustarSplit(Array(directory.utf8)) == nil)
    }

    @Test(arguments: [1, 90, 91, 92, 993, 994, 995, 9990])
    func paxRecordLengthsCountThemselves(_ valueLength: Int) {
        let payload = TarHeader.paxPayload([("path", String(repeating: "x", count: valueLength))])
        let text = String(decoding: payload, as: UTF8.self)
        let declared = Int(text.prefix { $0 != " " })
        #expect(declared == payload.count)
        #expect(text.hasSuffix("\n"))
    }

    @Test func everyHeaderChecksumsAndCarriesFixedOwnership() {
        let header = TarHeader(
            name: "usr/bin/python", type: .symlink, mode: 0o777, size: 0, mtime: 0, linkName: "python3.11"
        ).encode()
        #expect(header.count == 512)
        #expect(checksumIsValid(header))
        #expect(octal(header[108..<116]) == 0 && octal(header[116..<124]) == 0)
        #expect(header[265..<329].allSatisfy { $0 == 0 })
        #expect(String(decoding: header[257..<265], as: UTF8.self) == "ustar\u{0}00")
        #expect(String(decoding: header[157..<167], as: UTF8.self) == "python3.11")
    }
}
