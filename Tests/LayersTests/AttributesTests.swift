import Foundation
import OCI
import Testing

@testable import Layers

/// Entries with exact metadata (``LayerEntry/Attributes``) and whiteouts, read back by Python's tarfile and GNU tar.
@Suite struct AttributesTests {
    /// Member name, type, mode, uid, gid, link name and hex-encoded xattrs, one tab-separated line per member.
    static let lister = """
        import sys, tarfile
        with tarfile.open(sys.argv[1]) as archive:
            for m in archive.getmembers():
                xattrs = ",".join(k[len("SCHILY.xattr."):] + "=" + v.encode("utf-8", "surrogateescape").hex()
                                  for k, v in sorted(m.pax_headers.items()) if k.startswith("SCHILY.xattr."))
                print("\\t".join([m.name, m.type.decode(), oct(m.mode), str(m.uid), str(m.gid), m.linkname, xattrs]))
        """

    static func listing(_ tarPath: String) throws -> [String: [String]] {
        let output = try sh("python3 -c \"$1\" \"$2\"", lister, tarPath).stdout
        var result: [String: [String]] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            result[fields[0]] = Array(fields.dropFirst())
        }
        return result
    }

    /// Binary-unsafe bytes on purpose: NUL, newline, `=`, 0xff and a multi-byte length boundary.
    static let binaryValue: [UInt8] = [0x00, 0x0a, 0x3d, 0xff, 0x80] + Array(repeating: 0x41, count: 90)

    static func attributedSource(in scratch: Scratch) throws -> LayerSource {
        let file = try scratch.file("x", "hi\n")
        return try LayerSource(entries: [
            LayerEntry(path: "data", kind: .directory, attributes: .init(mode: 0o1777, uid: 0, gid: 0)),
            LayerEntry(
                path: "data/x", kind: .file(source: file, size: 3, executable: true),
                attributes: .init(
                    mode: 0o104755, uid: 1000, gid: 1001,
                    xattrs: ["user.bin": binaryValue, "user.note": Array("hello".utf8)])),
            LayerEntry(path: "data/y", kind: .hardlink(target: "data/x")),
            LayerEntry(path: "data/link", kind: .symlink(target: "x"), attributes: .init(mode: 0o777, uid: 7, gid: 8)),
            LayerEntry(path: "big", kind: .directory, attributes: .init(mode: 0o2750, uid: 3_000_000, gid: 4_000_000)),
            LayerEntry.whiteout("usr/share/doc"),
            LayerEntry.opaqueWhiteout("etc/app.d"),
        ])
    }

    @Test func whiteoutEntriesAreEmptyFilesWithTheOCINames() throws {
        #expect(try LayerEntry.whiteout("usr/share/doc").path == "usr/share/.wh.doc")
        #expect(try LayerEntry.whiteout("top").path == ".wh.top")
        #expect(try LayerEntry.opaqueWhiteout("etc/app.d/").path == "etc/app.d/.wh..wh..opq")
        guard case .file(_, let size, false) = try LayerEntry.whiteout("a/b").kind else {
            Issue.record("whiteout is not a regular file")
            return
        }
        #expect(size == 0)
        #expect(throws: LayerError.self) { try LayerEntry.whiteout("../x") }
    }

    @Test func pythonTarfileSeesExactModeOwnerAndBinaryXattrs() throws {
        let scratch = try Scratch()
        let blob = try LayerBuilder.buildBlocking(
            Self.attributedSource(in: scratch), options: LayerOptions(compression: .none),
            blobsDirectory: scratch.path + "/blobs")
        let members = try Self.listing(blob.path)
        let hexValue = Self.binaryValue.map { String(format: "%02x", $0) }.joined()
        #expect(members["data"] == ["5", "0o1777", "0", "0", "", ""])
        #expect(members["data/x"] == ["0", "0o4755", "1000", "1001", "", "user.bin=\(hexValue),user.note=68656c6c6f"])
        #expect(members["data/y"]?.prefix(4) == ["1", "0o4755", "1000", "1001"])
        #expect(members["data/link"] == ["2", "0o777", "7", "8", "x", ""])
        // ids beyond the 7-digit octal field travel as PAX uid/gid records.
        #expect(members["big"] == ["5", "0o2750", "3000000", "4000000", "", ""])
        #expect(members["usr/share/.wh.doc"] == ["0", "0o644", "0", "0", "", ""])
        #expect(members["etc/app.d/.wh..wh..opq"] == ["0", "0o644", "0", "0", "", ""])
        // Parents added by LayerSource keep the normalised metadata.
        #expect(members["usr/share"] == ["5", "0o755", "0", "0", "", ""])
    }

    @Test(.enabled(if: getuid() == 0, "needs root: extracting owners and setuid bits"))
    func gnuTarRestoresOwnerModeAndXattrs() throws {
        let scratch = try Scratch()
        let blob = try LayerBuilder.buildBlocking(
            Self.attributedSource(in: scratch), options: LayerOptions(compression: .none),
            blobsDirectory: scratch.path + "/blobs")
        let listing = try sh("tar --numeric-owner -tvf \"$1\"", blob.path).stdout
        #expect(listing.contains("-rwsr-xr-x 1000/1001"), "\(listing)")
        let out = try scratch.directory("out")
        try sh("tar --xattrs --xattrs-include='*' --numeric-owner -xpf \"$1\" -C \"$2\"", blob.path, out)
        let check = """
            import os, sys
            s = os.stat(sys.argv[1] + "/data/x")
            print(oct(s.st_mode & 0o7777), s.st_uid, s.st_gid, os.getxattr(sys.argv[1] + "/data/x", "user.bin").hex())
            """
        let hexValue = Self.binaryValue.map { String(format: "%02x", $0) }.joined()
        #expect(try sh("python3 -c \"$1\" \"$2\"", check, out).stdout == "0o4755 1000 1001 \(hexValue)\n")
    }

    @Test func entriesWithoutAttributesKeepTheirBytesAndCacheKeys() throws {
        let scratch = try Scratch()
        let file = try scratch.file("f", "content\n")
        let plain = try LayerEntry(path: "a/f", kind: .file(source: file, size: 8, executable: false))
        #expect(LayerCache.describe(plain, content: "C") == "F\0a/f\0644\08\0C\0\n")
        #expect(LayerCache.describe(try LayerEntry.directory("a"), content: "") == "D\0a\0\n")
        // The archive of plain entries is what this writer always produced (pinned before attributes existed).
        let source = try LayerSource(entries: [
            plain, try LayerEntry(path: "a/l", kind: .symlink(target: "f")),
            try LayerEntry(path: "a/h", kind: .hardlink(target: "a/f")),
            try LayerEntry(path: "b/exe", kind: .file(source: file, size: 8, executable: true)),
            try LayerEntry(
                path: "c/" + String(repeating: "n", count: 150) + "/café",
                kind: .file(source: file, size: 8, executable: false)),
        ])
        let blob = try LayerBuilder.buildBlocking(
            source, options: LayerOptions(compression: .none, mtime: 1_700_000_000),
            blobsDirectory: scratch.path + "/blobs")
        #expect(blob.diffID.encoded == Self.pinnedPlainDigest)
    }

    /// The diff_id of the archive above as written by the TarWriter before attributes were added.
    static let pinnedPlainDigest = "1b173b9bbed6655841cc0d52afe6579940df72a8186f46f525f04d030f5b4092"

    @Test func attributesChangeTheCacheKeyOnlyWhenPresent() throws {
        let scratch = try Scratch()
        let file = try scratch.file("f", "content\n")
        let kind = LayerEntry.Kind.file(source: file, size: 8, executable: false)
        let plain = try LayerEntry(path: "f", kind: kind)
        let root = try LayerEntry(path: "f", kind: kind, attributes: .init(mode: 0o644))
        let owned = try LayerEntry(path: "f", kind: kind, attributes: .init(mode: 0o644, uid: 1000, gid: 1000))
        let capable = try LayerEntry(
            path: "f", kind: kind, attributes: .init(mode: 0o644, xattrs: ["security.capability": [1, 2]]))
        let descriptions = [plain, root, owned, capable].map { LayerCache.describe($0, content: "C") }
        #expect(Set(descriptions).count == 4)
        let options = LayerOptions(compression: .none)
        let keys = try [plain, owned].map { entry in
            LayerCache.shapeKey(for: try LayerSource(entries: [entry]), options: options)
        }
        #expect(keys[0] != keys[1])
    }
}
