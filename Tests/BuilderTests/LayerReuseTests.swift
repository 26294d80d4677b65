import Builder
import Foundation
import Layers
import OCI
import Spec
import TestSupport
import Testing

/// After one pin change, the unchanged package layers come from the layer cache by their file fingerprints: no file
/// of an unchanged package is read again, although uv re-links every file from its cache into a new staging tree
/// (which moves every file's ctime).
@Suite(.serialized) struct LayerReuseTests {
    @Test func unchangedPackagesAreNotReadAgainAfterAPinChange() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        var options = try BuilderTestSupport.options(in: setup.directory)
        options.environment["UV_LINK_MODE"] = "hardlink"  // uv's default on Linux; explicit so the test is exact
        let first = ImageBuilder(client: BuilderTestSupport.client(), options: options)
        _ = try await first.build(
            try BuildPlan(try BuilderTestSupport.loadSpec(setup.spec(), in: setup.directory), options: options))
        #expect(first.cache.statistics.misses == 4)
        #expect(first.cache.statistics.digestsReused == 0)

        let second = ImageBuilder(client: BuilderTestSupport.client(), options: options)
        let images = try await second.build(
            try BuildPlan(
                try BuilderTestSupport.loadSpec(setup.spec(pin: "dep_pkg==1.1"), in: setup.directory),
                options: options))
        let layers = try #require(images.first).layers
        let statistics = second.cache.statistics
        print("layer reuse after a pin change: \(statistics)")
        // hello-pkg, dep-pkg and flytekit fall in three different groups, plus the copy layer.
        #expect(layers.count == 4)
        #expect(layers.filter { !$0.cacheHit }.map(\.packages) == [["dep-pkg==1.1"]])
        #expect(statistics.misses == 1 && statistics.hits == 3)
        // The copy layer's files are untouched: a fingerprint hit, nothing read.
        #expect(statistics.fingerprintHits == 1)
        // hello_pkg and flytekit were linked again from uv's cache: their module, METADATA, WHEEL and
        // entry_points.txt digests come from the memo; only the files uv writes afresh (RECORD, INSTALLER, …) and
        // the changed dep_pkg layer are read.
        #expect(statistics.digestsReused == 7)
        let changed = try #require(layers.first { !$0.cacheHit })
        let fresh = try contentBytes(changed.blob)
        #expect(statistics.bytesHashed > fresh)
        #expect(statistics.bytesHashed < fresh + 2_000)
    }

    /// The bytes of regular-file content in a gzip layer blob (`tar -tvzf`).
    func contentBytes(_ blob: LayerBlob) throws -> Int64 {
        let listing = try ExternalTool.run("tar", ["-tvzf", blob.path]).check().stdout
        return listing.split(separator: "\n").filter { $0.hasPrefix("-") }.reduce(Int64(0)) { total, line in
            total + (Int64(line.split(separator: " ", omittingEmptySubsequences: true)[2]) ?? 0)
        }
    }
}
