import Foundation
import OCI
import Testing

@testable import Layers

/// The same content gives the same bytes, whatever the disk says about times, order and permissions.
@Suite struct ReproducibilityTests {
    /// Writes the same tree as `makeAwkwardTree`, but creates files in reverse order with other permissions in the
    /// same class (0700 vs 0755 executables, 0600 vs 0644 files), then sets every mtime to something else.
    func makeShuffledCopy(of tree: String, in scratch: Scratch, root: String) throws -> String {
        let destination = scratch.path + "/" + root
        let files = try sh("cd \"$1\" && find . -mindepth 1 | sort -r", tree).stdout.split(separator: "\n")
        for relative in files {
            let from = tree + "/" + relative
            let to = destination + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: from)
            let type = attributes[.type] as? FileAttributeType
            try FileManager.default.createDirectory(
                atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            switch type {
            case .typeSymbolicLink?:
                let target = try FileManager.default.destinationOfSymbolicLink(atPath: from)
                try FileManager.default.createSymbolicLink(atPath: to, withDestinationPath: target)
            case .typeDirectory?:
                try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
                chmod(to, 0o700)
            default:
                let permissions = (attributes[.posixPermissions] as? Int) ?? 0o644
                try Data(contentsOf: URL(fileURLWithPath: from)).write(to: URL(fileURLWithPath: to))
                chmod(to, mode_t(permissions & 0o111 != 0 ? 0o711 : 0o600))
            }
        }
        try sh("find \"$1\" -exec touch -h -d '2031-05-06 07:08:09.123456789' {} +", destination)
        return destination
    }

    @Test(arguments: [LayerCompression.gzip(), .zstd()])
    func sameTreeSameDigests(_ compression: LayerCompression) throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let options = LayerOptions(compression: compression)
        let first = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree), options: options, blobsDirectory: scratch.path + "/one")
        let second = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree), options: options, blobsDirectory: scratch.path + "/two")
        #expect(first.digest == second.digest)
        #expect(first.diffID == second.diffID)
        #expect(first.size == second.size)

        let copy = try makeShuffledCopy(of: tree, in: scratch, root: "copy")
        #expect(
            try sh("stat -c %Y \"$1\"", copy + "/a/b").stdout != (try sh("stat -c %Y \"$1\"", tree + "/a/b").stdout))
        let third = try LayerBuilder.buildBlocking(
            try LayerSource(directory: copy), options: options, blobsDirectory: scratch.path + "/three")
        #expect(third.digest == first.digest)
        #expect(third.diffID == first.diffID)
    }

    @Test func oneChangedByteChangesBothDigests() throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let before = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree), blobsDirectory: scratch.path + "/b")
        // Same size, one byte different, in the middle of the 3 MiB file.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: tree + "/sizes/big"))
        try handle.seek(toOffset: 1_500_000)
        let old = try handle.read(upToCount: 1)![0]
        try handle.seek(toOffset: 1_500_000)
        try handle.write(contentsOf: Data([old ^ 0x01]))
        try handle.close()
        let after = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree), blobsDirectory: scratch.path + "/b")
        #expect(after.diffID != before.diffID)
        #expect(after.digest != before.digest)
        #expect(after.uncompressedSize == before.uncompressedSize)
    }

    @Test func executableBitAndMtimeOptionChangeTheLayer() throws {
        let scratch = try Scratch()
        let path = try scratch.file("tree/script", "echo\n", mode: 0o644)
        let plain = try LayerBuilder.buildBlocking(
            try LayerSource(directory: scratch.path + "/tree"), blobsDirectory: scratch.path + "/b")
        chmod(path, 0o744)
        let executable = try LayerBuilder.buildBlocking(
            try LayerSource(directory: scratch.path + "/tree"), blobsDirectory: scratch.path + "/b")
        #expect(plain.diffID != executable.diffID)
        let epoch = try LayerOptions.sourceDateEpoch(environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        #expect(epoch == 1_700_000_000)
        let dated = try LayerBuilder.buildBlocking(
            try LayerSource(directory: scratch.path + "/tree"), options: LayerOptions(mtime: epoch),
            blobsDirectory: scratch.path + "/b")
        #expect(dated.diffID != executable.diffID)
        let listing = try sh("gzip -dc \"$1\" | TZ=UTC tar -tvf -", dated.path).stdout
        #expect(listing.contains("2023-11-14 22:13"))
    }

    @Test func sourceDateEpochParsing() throws {
        #expect(try LayerOptions.sourceDateEpoch(environment: [:]) == 0)
        #expect(try LayerOptions.sourceDateEpoch(environment: ["SOURCE_DATE_EPOCH": ""]) == 0)
        #expect(try LayerOptions.sourceDateEpoch(environment: ["SOURCE_DATE_EPOCH": " 42 "]) == 42)
        for bad in ["-1", "1.5", "yesterday"] {
            let error = #expect(throws: LayerError.self) {
                try LayerOptions.sourceDateEpoch(environment: ["SOURCE_DATE_EPOCH": bad])
            }
            #expect(error?.kind == .invalidOption)
            #expect(error?.message.contains("SOURCE_DATE_EPOCH") == true)
        }
    }

    @Test func itemsLandAtTheirDestinationsWithExplicitParents() throws {
        let scratch = try Scratch()
        let main = try scratch.file("project/main.py", "print('hi')\n")
        try scratch.file("project/pkg/__init__.py", "")
        try scratch.file("project/pkg/util.py", "x = 1\n")
        let source = try LayerSource(items: [
            LayerSourceItem(source: scratch.path + "/project/pkg", destination: "root/pkg"),
            LayerSourceItem(source: main, destination: "./root/main.py"),
        ])
        #expect(
            source.entries.map(\.path) == [
                "root", "root/main.py", "root/pkg", "root/pkg/__init__.py", "root/pkg/util.py",
            ])
        #expect(source.entries[0].isDirectory && source.entries[2].isDirectory)
        #expect(source.contentSize == 12 + 6)
    }
}
