import Foundation
import TestSupport
import Testing

@testable import Builder

/// Which scratch directories of `<cache>/tmp` the start of a build removes: those whose owner is gone or that are
/// older than a day, never those of a live build (this process, or a concurrent one).
@Suite struct ScratchSweeperTests {
    @Test func removesDeadOwnersAndOldDirectoriesOnly() throws {
        let parent = try makeTemporaryDirectory(prefix: "imagespec-sweep")
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let namespace = ScratchSweeper.pidNamespace
        // A pid that is gone: a child that already ended and was reaped.
        let ended = try ExternalTool.run("sh", ["-c", "echo $$"]).check().stdout
        let dead = try #require(Int32(ended.trimmingCharacters(in: .whitespacesAndNewlines)))
        let names = [
            "live": "build.\(getpid())-\(namespace).aaaaaa",
            "parent": "build.\(getppid())-\(namespace).bbbbbb",  // a live process other than this one
            "dead": "build.\(dead)-\(namespace).cccccc",
            "otherNamespace": "build.\(dead)-\(namespace &+ 1).dddddd",
            "legacy": "build.eeeeee",
            "oldLegacy": "build.ffffff",
            "oldLive": "build.\(getppid())-\(namespace).gggggg",
            "unrelated": "something-else",
        ]
        for name in names.values {
            try FileManager.default.createDirectory(atPath: parent + "/" + name, withIntermediateDirectories: false)
            try "x".write(toFile: parent + "/" + name + "/file", atomically: false, encoding: .utf8)
        }
        let twoDaysAgo = Date(timeIntervalSinceNow: -2 * 24 * 3600)
        for key in ["oldLegacy", "oldLive"] {
            try FileManager.default.setAttributes(
                [.modificationDate: twoDaysAgo], ofItemAtPath: parent + "/" + names[key]!)
        }
        ScratchSweeper.sweep(parent)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: parent))
        #expect(left == Set(["live", "parent", "otherNamespace", "legacy", "unrelated"].map { names[$0]! }))
    }
}
