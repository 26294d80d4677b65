import Foundation
import OCI
import Synchronization
import Testing

@testable import Layers

/// An unchanged input is never re-tarred or recompressed; a changed one always is.
@Suite struct CacheTests {
    @Test func secondBuildIsAHitAndAChangedFileIsAMiss() async throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let cache = LayerCache(root: scratch.path + "/cache")

        let first = try await cache.layer(for: try LayerSource(directory: tree))
        #expect(!first.cacheHit)
        #expect(first.blob.path == scratch.path + "/cache/blobs/sha256/" + first.blob.digest.encoded)
        #expect(try sha256sum(first.blob.path) == first.blob.digest.encoded)
        let afterFirst = cache.statistics
        #expect(afterFirst.misses == 1 && afterFirst.hits == 0)

        // Same files, freshly listed: found by fingerprint, no file content read, nothing compressed.
        let second = try await cache.layer(for: try LayerSource(directory: tree))
        #expect(second.cacheHit)
        #expect(second.blob == first.blob)
        let afterSecond = cache.statistics
        #expect(afterSecond.hits == 1 && afterSecond.fingerprintHits == 1 && afterSecond.misses == 1)
        #expect(afterSecond.filesHashed == afterFirst.filesHashed)

        // A changed file is a miss with new digests.
        try scratch.file("tree/a/b", "inside a, changed\n")
        let third = try await cache.layer(for: try LayerSource(directory: tree))
        #expect(!third.cacheHit)
        #expect(third.blob.diffID != first.blob.diffID)
        #expect(cache.statistics.misses == 2)

        // A new cache object on the same directory (a new process) still hits.
        let reopened = LayerCache(root: scratch.path + "/cache/")
        let fourth = try await reopened.layer(for: try LayerSource(directory: tree))
        #expect(fourth.cacheHit && fourth.blob == third.blob)
    }

    @Test func aCopyOfTheTreeHitsThroughContentDigests() throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let cache = LayerCache(root: scratch.path + "/cache")
        let first = try cache.layerBlocking(for: try LayerSource(directory: tree))
        try sh("cp -r \"$1\" \"$2\"", tree, scratch.path + "/copy")
        try sh("find \"$1\" -exec touch -h {} +", scratch.path + "/copy")
        let copy = try cache.layerBlocking(for: try LayerSource(directory: scratch.path + "/copy"))
        #expect(copy.cacheHit)
        #expect(copy.blob == first.blob)
        let statistics = cache.statistics
        #expect(statistics.fingerprintHits == 0 && statistics.hits == 1 && statistics.misses == 1)
        #expect(statistics.filesHashed > 0)
        // Now the copy's fingerprints are known too.
        _ = try cache.layerBlocking(for: try LayerSource(directory: scratch.path + "/copy"))
        #expect(cache.statistics.fingerprintHits == 1)
    }

    @Test func optionsAreSeparateKeysAndMissingBlobsAreRebuilt() throws {
        let scratch = try Scratch()
        try scratch.file("tree/x", "x")
        let source = try LayerSource(directory: scratch.path + "/tree")
        let cache = LayerCache(root: scratch.path + "/cache")
        let gzip = try cache.layerBlocking(for: source)
        let zstd = try cache.layerBlocking(for: source, options: LayerOptions(compression: .zstd()))
        let dated = try cache.layerBlocking(for: source, options: LayerOptions(mtime: 5))
        #expect(!gzip.cacheHit && !zstd.cacheHit && !dated.cacheHit)
        #expect(gzip.blob.diffID == zstd.blob.diffID && gzip.blob.digest != zstd.blob.digest)
        #expect(zstd.blob.mediaType == MediaType.ociLayerZstd)
        #expect(dated.blob.diffID != gzip.blob.diffID)

        // A blob that disappeared or was truncated is not a hit.
        try FileManager.default.removeItem(atPath: gzip.blob.path)
        let rebuilt = try cache.layerBlocking(for: source)
        #expect(!rebuilt.cacheHit && rebuilt.blob == gzip.blob)
        try Data().write(to: URL(fileURLWithPath: zstd.blob.path))
        let rebuiltZstd = try cache.layerBlocking(for: source, options: LayerOptions(compression: .zstd()))
        #expect(!rebuiltZstd.cacheHit && rebuiltZstd.blob == zstd.blob)
        #expect(try sha256sum(rebuiltZstd.blob.path) == zstd.blob.digest.encoded)

        let key = try cache.key(for: source)
        #expect(try cache.key(for: source) == key)
        #expect(try cache.key(for: source, options: LayerOptions(compression: .none)) != key)
    }

    @Test func parallelBuildsKeepOrderAndReuseTheCache() async throws {
        let scratch = try Scratch()
        var sources: [LayerSource] = []
        for index in 0..<5 {
            try scratch.file(
                "pkg\(index)/data.bin", bytes: (0..<(200_000 * (index + 1))).map { UInt8(($0 * (index + 3)) % 256) })
            sources.append(try LayerSource(directory: scratch.path + "/pkg\(index)", at: "site-packages/pkg\(index)"))
        }
        let cache = LayerCache(root: scratch.path + "/cache")
        let reported = Mutex<[(Int, LayerBuildResult)]>([])
        let built = try await cache.layers(for: sources, maxConcurrency: 2) { index, result in
            reported.withLock { $0.append((index, result)) }
        }
        #expect(built.map(\.cacheHit) == [false, false, false, false, false])
        // Every layer is handed over once, as it finishes (the largest start first), with its index in `sources`.
        let handedOver = reported.withLock { $0 }
        #expect(handedOver.map(\.0).sorted() == Array(0..<5))
        #expect(handedOver.allSatisfy { built[$0.0] == $0.1 })
        #expect(handedOver.first?.0 == 4 || handedOver.first?.0 == 3)
        for (index, result) in built.enumerated() {
            let alone = try LayerBuilder.buildBlocking(sources[index], blobsDirectory: scratch.path + "/alone")
            #expect(alone.digest == result.blob.digest)
        }
        let again = try await cache.layers(for: sources)
        #expect(again.allSatisfy { $0.cacheHit })
        #expect(again.map(\.blob) == built.map(\.blob))

        let direct = try await LayerBuilder.buildAll(
            sources, blobsDirectory: scratch.path + "/direct", maxConcurrency: 3)
        #expect(direct.map(\.digest) == built.map(\.blob.digest))
    }

    @Test func aFileChangedAfterListingIsNeverServedOrRecorded() throws {
        let scratch = try Scratch()
        try scratch.file("tree/x", "first")
        let cache = LayerCache(root: scratch.path + "/cache")
        let listed = try LayerSource(directory: scratch.path + "/tree")
        _ = try cache.layerBlocking(for: listed)
        try scratch.file("tree/x", "other")  // same size, new content
        let stale = #expect(throws: LayerError.self) { try cache.layerBlocking(for: listed) }
        #expect(stale?.kind == .fileChanged)
        #expect(stale?.message.contains("tree/x") == true)
        let fresh = try cache.layerBlocking(for: try LayerSource(directory: scratch.path + "/tree"))
        #expect(!fresh.cacheHit)
    }

    /// A hard-linked copy of a tree (what uv's installs are) whose ctime moved: the fingerprint key misses because of
    /// the one freshly written file, but the linked files' digests come from the memo; a replaced file is read.
    @Test func hardLinkedCopiesReuseDigestsAndReplacedFilesAreRead() throws {
        let scratch = try Scratch()
        try scratch.file("a/pkg/big.bin", bytes: (0..<300_000).map { UInt8($0 % 251) })
        try scratch.file("a/pkg/mod.py", "x = 1\n")
        try scratch.file("a/pkg/RECORD", "fresh\n")
        let cache = LayerCache(root: scratch.path + "/cache")
        let first = try cache.layerBlocking(for: try LayerSource(directory: scratch.path + "/a"))
        #expect(!first.cacheHit && cache.statistics.filesHashed == 3)

        // Like uv: link the package files again, write RECORD afresh (same bytes, new inode), drop the old tree.
        try sh("mkdir -p \"$1/b/pkg\" && ln \"$1/a/pkg/big.bin\" \"$1/a/pkg/mod.py\" \"$1/b/pkg/\"", scratch.path)
        try scratch.file("b/pkg/RECORD", "fresh\n")
        try FileManager.default.removeItem(atPath: scratch.path + "/a")
        let second = try cache.layerBlocking(for: try LayerSource(directory: scratch.path + "/b"))
        #expect(second.cacheHit && second.blob == first.blob)
        var statistics = cache.statistics
        #expect(statistics.fingerprintHits == 0 && statistics.digestsReused == 2)
        #expect(statistics.filesHashed == 4 && statistics.bytesHashed == 300_000 + 6 + 6 + 6)

        // Same shape, but mod.py replaced by a new file of the same size: read, and a new layer.
        try FileManager.default.removeItem(atPath: scratch.path + "/b/pkg/mod.py")
        try scratch.file("b/pkg/mod.py", "x = 2\n")
        let third = try cache.layerBlocking(for: try LayerSource(directory: scratch.path + "/b"))
        #expect(!third.cacheHit && third.blob.diffID != first.blob.diffID)
        statistics = cache.statistics
        #expect(statistics.digestsReused == 2 + 2)  // big.bin and b's RECORD (remembered by the second build)
        #expect(statistics.filesHashed == 4 + 1)  // only the new mod.py
    }

    @Test func defaultRootFollowsXDG() {
        #expect(
            LayerCache.defaultRoot(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"])
                == "/x/cache/imagespec")
        #expect(
            LayerCache.defaultRoot(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/u"])
                == "/home/u/.cache/imagespec")
        #expect(LayerCache.defaultRoot(environment: ["HOME": "/home/u"]) == "/home/u/.cache/imagespec")
        #expect(LayerCache(environment: ["HOME": "/h"]).blobsDirectory == "/h/.cache/imagespec/blobs")
    }
}
