import Foundation
import OCI
import Testing

@testable import Layers

/// Reads layers with independent tools: GNU tar, Python's tarfile, coreutils.
@Suite struct TarInteropTests {
    /// Members of an archive as Python's tarfile sees them, one JSON object per line.
    struct Member: Decodable {
        let name: String
        let type: String
        let mode: Int
        let uid: Int
        let gid: Int
        let uname: String
        let gname: String
        let mtime: Double
        let size: Int
        let linkname: String
        let pax: [String: String]
    }

    static let pythonLister = """
        import json, sys, tarfile
        types = {tarfile.REGTYPE: "file", tarfile.DIRTYPE: "dir",
                 tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink"}
        with tarfile.open(sys.argv[1]) as archive:
            for m in archive.getmembers():
                print(json.dumps({"name": m.name, "type": types.get(m.type, repr(m.type)), "mode": m.mode,
                    "uid": m.uid, "gid": m.gid, "uname": m.uname, "gname": m.gname, "mtime": m.mtime,
                    "size": m.size, "linkname": m.linkname, "pax": m.pax_headers}))
        """

    static func members(_ tarPath: String) throws -> [Member] {
        let output = try sh("python3 -c \"$1\" \"$2\"", pythonLister, tarPath).stdout
        return try output.split(separator: "\n").map { try JSONDecoder().decode(Member.self, from: Data($0.utf8)) }
    }

    @Test func gnuTarExtractsTheSameTreeWithNormalisedMetadata() throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let source = try LayerSource(directory: tree)
        let blob = try LayerBuilder.buildBlocking(
            source, options: LayerOptions(compression: .none), blobsDirectory: scratch.path + "/blobs")

        // Listing: GNU tar reads every entry, in byte order, with owner 0/0 and the fixed mtime.
        let listing = try sh("tar --numeric-owner -tvf \"$1\"", blob.path).stdout
        let lines = listing.split(separator: "\n")
        #expect(lines.count == source.entries.count)
        for line in lines {
            #expect(line.contains(" 0/0 "), "owner not 0/0: \(line)")
            #expect(line.contains("1970-01-01 00:00"), "mtime not the epoch: \(line)")
        }
        let names = try sh("tar -tf \"$1\"", blob.path).stdout.split(separator: "\n").map(String.init)
        let expectedNames = source.entries.map { $0.isDirectory ? $0.path + "/" : $0.path }
        #expect(names == expectedNames)
        #expect(
            expectedNames.contains("a-b") && expectedNames.firstIndex(of: "a-b")! < expectedNames.firstIndex(of: "a/b")!
        )

        // Extraction gives back the same content, links and empty directories.
        let extracted = try scratch.directory("extracted")
        try sh("tar -xf \"$1\" -C \"$2\"", blob.path, extracted)
        try sh("diff -r --no-dereference \"$1\" \"$2\"", tree, extracted)
        #expect(FileManager.default.fileExists(atPath: extracted + "/empty/dir"))
        // And tar itself finds nothing different between the archive and what it extracted.
        try sh("tar --compare -f \"$1\" -C \"$2\"", blob.path, extracted)

        // Modes are normalised: any exec bit → 0755, else 0644; directories 0755.
        func mode(_ relative: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: extracted + "/" + relative)
            return (attributes[.posixPermissions] as? Int) ?? -1
        }
        #expect(try mode("bin/tool") == 0o755)
        #expect(try mode("bin/readable-exec") == 0o755)
        #expect(try mode("etc/secret") == 0o644)
        #expect(try mode("empty/dir") == 0o755)
        #expect(try sh("readlink \"$1\"", extracted + "/link-absolute").stdout == "/usr/bin/python3\n")
        #expect(try sh("readlink \"$1\"", extracted + "/link-unicode").stdout == "café/naïve-文件.txt\n")
    }

    @Test func pythonTarfileSeesPaxOnlyWhereNeeded() throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let blob = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree, at: "usr/lib/python3.11/site-packages"),
            options: LayerOptions(compression: .none, mtime: 1_700_000_000), blobsDirectory: scratch.path + "/blobs")
        let members = try Self.members(blob.path)
        #expect(members.first?.name == "usr")
        for member in members {
            #expect(member.uid == 0 && member.gid == 0 && member.uname.isEmpty && member.gname.isEmpty)
            #expect(member.mtime == 1_700_000_000)
            #expect(member.pax["mtime"] == nil && member.pax["atime"] == nil && member.pax["ctime"] == nil)
            let ascii = member.name.utf8.allSatisfy { $0 < 0x80 }
            let needsPath = !ascii || (member.name.utf8.count + (member.type == "dir" ? 1 : 0)) > 100
            if member.pax["path"] != nil {
                #expect(needsPath, "unneeded PAX path for \(member.name)")
            }
            switch member.type {
            case "dir": #expect(member.mode == 0o755)
            case "symlink": #expect(member.mode == 0o777)
            case "file": #expect(member.mode == 0o644 || member.mode == 0o755)
            default: Issue.record("unexpected member type \(member.type) for \(member.name)")
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })
        let prefix = "usr/lib/python3.11/site-packages/"
        let longPath =
            prefix + String(repeating: "d", count: 120) + "/" + String(repeating: "e", count: 110) + "/"
            + String(repeating: "f", count: 60) + ".py"
        #expect(longPath.utf8.count > 255)
        #expect(byName[longPath]?.pax["path"] == longPath)
        #expect(byName[prefix + "café/naïve-文件.txt"]?.pax["path"] == prefix + "café/naïve-文件.txt")
        let longTarget = String(repeating: "t/", count: 70) + "target"
        #expect(byName[prefix + "link-long"]?.linkname == longTarget)
        #expect(byName[prefix + "link-long"]?.pax["linkpath"] == longTarget)
        #expect(byName[prefix + "link-unicode"]?.linkname == "café/naïve-文件.txt")
        // A path that fits the ustar prefix/name split needs no PAX record.
        #expect(byName[prefix + "sizes/513"]?.pax.isEmpty == true)
        #expect(byName[prefix + "sizes/big"]?.size == (3 << 20) + 17)
    }

    @Test(arguments: [LayerCompression.gzip(), .gzip(level: 6), .zstd(), .zstd(level: 1), .none])
    func compressedBlobsCheckOutWithStandardTools(_ compression: LayerCompression) throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let blob = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree), options: LayerOptions(compression: compression),
            blobsDirectory: scratch.path + "/blobs")
        #expect(blob.mediaType == compression.mediaType)
        #expect(blob.path == scratch.path + "/blobs/sha256/" + blob.digest.encoded)
        #expect(try sha256sum(blob.path) == blob.digest.encoded)
        let attributes = try FileManager.default.attributesOfItem(atPath: blob.path)
        #expect((attributes[.size] as? Int).map(Int64.init) == blob.size)

        let decompress: String
        switch compression {
        case .gzip:
            try sh("gzip -t \"$1\"", blob.path)
            decompress = "gzip -dc \"$1\""
        case .zstd:
            try sh("zstd -q -t \"$1\"", blob.path)
            decompress = "zstd -q -dc \"$1\""
        case .none:
            decompress = "cat \"$1\""
        }
        let diffID = try sh(decompress + " | sha256sum", blob.path).stdout.prefix(64)
        #expect(String(diffID) == blob.diffID.encoded)
        let tarSize = try sh(decompress + " | wc -c", blob.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int64(tarSize) == blob.uncompressedSize)
        try sh(decompress + " | tar -tf - >/dev/null", blob.path)

        // Same tar whatever the compression: the diff_id is the identity of the content.
        let plain = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree), options: LayerOptions(compression: .none),
            blobsDirectory: scratch.path + "/plain")
        #expect(plain.diffID == blob.diffID)
    }

    @Test func gzipHeaderHasNoNameNoTimeAndUnknownOS() throws {
        let scratch = try Scratch()
        try scratch.file("tree/hello.txt", "hello\n")
        let blob = try LayerBuilder.buildBlocking(
            try LayerSource(directory: scratch.path + "/tree"), blobsDirectory: scratch.path + "/blobs")
        let header = Array(try Data(contentsOf: URL(fileURLWithPath: blob.path)).prefix(10))
        #expect(header[0] == 0x1f && header[1] == 0x8b && header[2] == 8)
        #expect(header[3] == 0, "flags must be 0: no FNAME, FCOMMENT, FEXTRA, FHCRC")
        #expect(header[4..<8].allSatisfy { $0 == 0 }, "MTIME must be 0")
        #expect(header[9] == 255, "OS must be 255 (unknown)")
        #expect(try sh("gzip -lv \"$1\"", blob.path).stdout.contains("defla"))
    }

    @Test func emptyLayerIsTwoZeroBlocks() throws {
        let scratch = try Scratch()
        let blob = try LayerBuilder.buildBlocking(
            try LayerSource(entries: []), options: LayerOptions(compression: .none),
            blobsDirectory: scratch.path + "/blobs")
        #expect(blob.size == 1024)
        #expect(try Data(contentsOf: URL(fileURLWithPath: blob.path)) == Data(count: 1024))
        #expect(try sh("tar -tf \"$1\"", blob.path).stdout.isEmpty)
    }
}
