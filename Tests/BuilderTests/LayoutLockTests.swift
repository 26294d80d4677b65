import Destinations
import Foundation
import OCI
import TestSupport
import Testing

/// Many writers of one OCI layout at once (separate sinks, as separate processes would have): `index.json` keeps
/// every writer's tag, because each read-modify-write holds the layout's `flock`.
@Suite struct LayoutLockTests {
    @Test func concurrentWritersKeepEveryTag() async throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-layout-lock")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writers = 24
        for round in 0..<5 {
            let layout = directory + "/layout-\(round)"
            try FileManager.default.createDirectory(atPath: layout, withIntermediateDirectories: true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        let bytes = Data(#"{"schemaVersion":2,"writer":\#(writer)}"#.utf8)
                        let sink = try OCILayoutSink(path: layout, tag: "tag-\(writer)")
                        _ = try await sink.putTop(
                            bytes,
                            descriptor: Descriptor(
                                mediaType: MediaType.ociManifest, digest: .sha256(bytes), size: Int64(bytes.count)))
                    }
                }
                try await group.waitForAll()
            }
            let data = try #require(FileManager.default.contents(atPath: layout + "/index.json"))
            let index = try JSONDecoder().decode(ImageIndex.self, from: data)
            let tags = Set(index.manifests.compactMap { $0.annotations?[OCILayoutSink.refNameAnnotation] })
            #expect(tags == Set((0..<writers).map { "tag-\($0)" }), "round \(round): \(tags.count) of \(writers) tags")
        }
    }
}
