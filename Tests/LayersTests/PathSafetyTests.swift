import Foundation
import Testing

@testable import Layers

/// Nothing can place a file outside the layer, and odd inputs fail with one clear line.
@Suite struct PathSafetyTests {
    @Test(arguments: ["/etc/passwd", "a/../../etc/passwd", "..", "a/..", "", ".", "./", "//"])
    func refusesUnsafeEntryPaths(_ path: String) {
        let error = #expect(throws: LayerError.self) { try LayerEntry.directory(path) }
        #expect(error?.kind == .invalidPath)
        #expect(error?.message.contains("\"\(path)\"") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test(arguments: [("./a//b/", "a/b"), ("a/./b", "a/b"), ("usr/lib/", "usr/lib"), ("a..b/..c", "a..b/..c")])
    func normalisesHarmlessForms(_ input: String, _ expected: String) throws {
        #expect(try LayerPath.normalise(input) == expected)
    }

    @Test(arguments: ["../outside", "/etc/shadow", "a/../../b"])
    func refusesHardlinksThatEscape(_ target: String) {
        let error = #expect(throws: LayerError.self) {
            try LayerEntry(path: "bin/link", kind: .hardlink(target: target))
        }
        #expect(error?.kind == .invalidLink)
        #expect(error?.message.contains(target) == true)
    }

    @Test func symlinksMayPointAnywhere() throws {
        for target in ["/usr/bin/python3", "../../x", "../../../../etc/passwd"] {
            let entry = try LayerEntry(path: "a/link", kind: .symlink(target: target))
            #expect(entry.kind == .symlink(target: target))
        }
    }

    @Test func hardlinkMustPointAtAnEarlierFileOfTheLayer() throws {
        let scratch = try Scratch()
        let file = try scratch.file("f", "x")
        let missing = #expect(throws: LayerError.self) {
            try LayerSource(entries: [try LayerEntry(path: "b", kind: .hardlink(target: "a"))])
        }
        #expect(missing?.kind == .invalidLink)
        let later = #expect(throws: LayerError.self) {
            try LayerSource(entries: [
                try LayerEntry(path: "a", kind: .hardlink(target: "b")),
                try LayerEntry(path: "b", kind: .file(source: file, size: 1, executable: false)),
            ])
        }
        #expect(later?.kind == .invalidLink)
        let toDirectory = #expect(throws: LayerError.self) {
            try LayerSource(entries: [
                try LayerEntry.directory("a"), try LayerEntry(path: "b", kind: .hardlink(target: "a")),
            ])
        }
        #expect(toDirectory?.kind == .invalidLink)
        let fine = try LayerSource(entries: [
            try LayerEntry(path: "b", kind: .hardlink(target: "a")),
            try LayerEntry(path: "a", kind: .file(source: file, size: 1, executable: false)),
        ])
        #expect(fine.entries.map(\.path) == ["a", "b"])
    }

    @Test func duplicatesAndFilesUnderFilesConflict() throws {
        let scratch = try Scratch()
        let file = try scratch.file("f", "x")
        let duplicate = #expect(throws: LayerError.self) {
            try LayerSource(items: [
                LayerSourceItem(source: file, destination: "root/x"),
                LayerSourceItem(source: file, destination: "root//x"),
            ])
        }
        #expect(duplicate?.kind == .conflict)
        #expect(duplicate?.message.contains("root/x") == true)
        let underFile = #expect(throws: LayerError.self) {
            try LayerSource(items: [
                LayerSourceItem(source: file, destination: "root/x"),
                LayerSourceItem(source: file, destination: "root/x/y"),
            ])
        }
        #expect(underFile?.kind == .conflict)
        let escaping = #expect(throws: LayerError.self) {
            try LayerSource(items: [LayerSourceItem(source: file, destination: "../x")])
        }
        #expect(escaping?.kind == .invalidPath)
        // The same directory twice is merged, not a conflict.
        let merged = try LayerSource(entries: [try .directory("a"), try .directory("a/"), try .directory("./a")])
        #expect(merged.entries.count == 1)
    }

    @Test func writerRefusesUnsortedEntriesAndMissingParents() throws {
        let writer = try TarWriter { _ in }
        try writer.append(try .directory("b"))
        let unsorted = #expect(throws: LayerError.self) { try writer.append(try .directory("a")) }
        #expect(unsorted?.kind == .conflict)
        let again = #expect(throws: LayerError.self) { try writer.append(try .directory("b")) }
        #expect(again?.message.contains("twice") == true)
        let orphan = #expect(throws: LayerError.self) { try writer.append(try .directory("c/d")) }
        #expect(orphan?.kind == .conflict)
        #expect(orphan?.message.contains("\"c\"") == true)
        let negative = #expect(throws: LayerError.self) { _ = try TarWriter(mtime: -1) { _ in } }
        #expect(negative?.kind == .invalidOption)
    }

    @Test func specialFilesFailOrAreSkipped() throws {
        let scratch = try Scratch()
        try scratch.file("tree/regular", "x")
        try sh("mkfifo \"$1\"", scratch.path + "/tree/pipe")
        let error = #expect(throws: LayerError.self) { try LayerSource(directory: scratch.path + "/tree") }
        #expect(error?.kind == .unsupportedFileType)
        #expect(error?.message.contains("/tree/pipe is a fifo") == true)
        let source = try LayerSource(
            directory: scratch.path + "/tree", options: LayerSource.WalkOptions(specialFiles: .skip))
        #expect(source.entries.map(\.path) == ["regular"])
        #expect(source.skipped == [scratch.path + "/tree/pipe"])
    }

    @Test func fileThatChangesSizeIsCaught() throws {
        let scratch = try Scratch()
        let path = try scratch.file("tree/grows", "12345")
        let source = try LayerSource(directory: scratch.path + "/tree")
        try scratch.file("tree/grows", "123456")
        let grew = #expect(throws: LayerError.self) {
            try LayerBuilder.buildBlocking(source, blobsDirectory: scratch.path + "/blobs")
        }
        #expect(grew?.kind == .fileChanged)
        #expect(grew?.message.contains(path) == true)
        try scratch.file("tree/grows", "1234")
        let shrank = #expect(throws: LayerError.self) {
            try LayerBuilder.buildBlocking(source, blobsDirectory: scratch.path + "/blobs")
        }
        #expect(shrank?.kind == .fileChanged)
        // Failed builds leave no temporary files and no blobs behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/blobs") == ["sha256"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/blobs/sha256").isEmpty)
    }

    @Test func preservedHardlinksStayInsideAndExtractAsOneInode() throws {
        let scratch = try Scratch()
        let original = try scratch.file("tree/z-original", "shared content\n")
        try FileManager.default.linkItem(atPath: original, toPath: scratch.path + "/tree/a-link")
        try FileManager.default.linkItem(atPath: original, toPath: scratch.path + "/tree/m-link")
        let copied = try LayerSource(directory: scratch.path + "/tree")
        #expect(copied.entries.allSatisfy { if case .file = $0.kind { true } else { false } })
        let preserved = try LayerSource(
            directory: scratch.path + "/tree", options: LayerSource.WalkOptions(hardlinks: .preserve))
        #expect(preserved.entries.map(\.kind.isHardlink) == [false, true, true])
        let blob = try LayerBuilder.buildBlocking(
            preserved, options: LayerOptions(compression: .none), blobsDirectory: scratch.path + "/blobs")
        let listing = try sh("tar -tvf \"$1\"", blob.path).stdout
        #expect(listing.contains("m-link link to a-link"))
        #expect(listing.contains("z-original link to a-link"))
        let extracted = try scratch.directory("out")
        try sh("tar -xf \"$1\" -C \"$2\"", blob.path, extracted)
        let same = try sh("cd \"$1\" && stat -c %i a-link m-link z-original | sort -u | wc -l", extracted).stdout
        #expect(same.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(try String(contentsOfFile: extracted + "/m-link", encoding: .utf8) == "shared content\n")
    }
}

extension LayerEntry.Kind {
    var isHardlink: Bool {
        if case .hardlink = self { return true }
        return false
    }
}
