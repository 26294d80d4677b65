import Foundation
import OCI
import Synchronization

/// A local content-addressed cache of finished layers, so unchanged inputs are never re-tarred or recompressed.
///
/// Layout under ``root``:
/// - `blobs/sha256/<hex>`: the layer blobs (``blobsDirectory``);
/// - `layers/<key>.json`: the layer key → the blob's digest, diff_id, sizes and media type;
/// - `fingerprints/<key>`: the fingerprint key → the layer key;
/// - `digests/<shape key>`: fingerprint content key → content digest of each file of the last layer of that shape.
///
/// The **layer key** is the sha256 of a canonical description of the inputs: every entry's path, kind, normalised
/// mode, size and content sha256 (or link target), plus the mtime, the compression, its level and the compressor
/// library version. It depends only on what ends up in the layer, so a fresh copy of the same tree is a hit.
///
/// Computing it reads every file once (sha256 runs at over 1 GB/s, far faster than compression). To skip even that,
/// the **fingerprint key** hashes the same description with each file's ``FileFingerprint/contentKey`` (device,
/// inode, birth time, size and mtime in nanoseconds; the ctime only where no birth time is known — see
/// ``FileFingerprint`` for why) in place of its content digest; after each build the fingerprints are checked again,
/// so a file that changed mid-build is never recorded.
///
/// A fingerprint miss does not mean every file must be read: `uv` installs by hard-linking from its cache, so a
/// package installed again is mostly the same inodes, plus a few files uv writes afresh (`RECORD`, `INSTALLER`).
/// `digests/<shape key>` remembers, for a layer's shape (its description without content), each file's fingerprint
/// content key and content digest; the next layer of the same shape reads only the files whose fingerprint is not
/// in it. The layer key computed this way is the real content key, so the usual lookup follows.
///
/// Every file is written to a temporary name and renamed, so concurrent processes and crashes leave only complete
/// entries. A hit is used only when the blob exists with the recorded size; otherwise the layer is rebuilt.
public final class LayerCache: Sendable {
    /// Counters of what the cache did since it was created.
    public struct Statistics: Sendable, Hashable {
        /// Layers served from the cache.
        public var hits = 0
        /// Layers that had to be built.
        public var misses = 0
        /// Hits found through file fingerprints, without reading any file content.
        public var fingerprintHits = 0
        /// Files whose content was read to compute a layer key.
        public var filesHashed = 0
        /// Bytes of file content read to compute layer keys.
        public var bytesHashed: Int64 = 0
        /// Files whose content digest came from the digest memo of an earlier layer of the same shape.
        public var digestsReused = 0
    }

    /// The cache directory.
    public let root: String
    let counters = Mutex(Statistics())

    /// Format version of keys and records; bump it whenever the tar or key layout changes.
    static let formatVersion = "imagespec-layer-cache-v1"

    /// Creates a cache in `root` (created on first use).
    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// Creates a cache in ``defaultRoot(environment:)``.
    public convenience init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(root: LayerCache.defaultRoot(environment: environment))
    }

    /// `$XDG_CACHE_HOME/imagespec` when that is an absolute path, else `$HOME/.cache/imagespec`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return xdg + "/imagespec"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/imagespec"
    }

    /// Where blobs live: pass this as `blobsDirectory` to share blobs with the cache.
    public var blobsDirectory: String { root + "/blobs" }

    /// What the cache did so far.
    public var statistics: Statistics {
        counters.withLock { $0 }
    }

    /// The layer from the cache, or built now and recorded, on a thread of its own.
    ///
    /// - Throws: ``LayerError`` for unreadable or changing files, write failures and bad options.
    public func layer(
        for source: LayerSource, options: LayerOptions = LayerOptions()
    ) async throws(LayerError) -> LayerBuildResult {
        try await BlockingWork.run { (cancellation) throws(LayerError) in
            try self.layerBlocking(for: source, options: options, cancellation: cancellation)
        }
    }

    /// Several layers through the cache, at most `maxConcurrency` built at a time; results keep the input order.
    ///
    /// The largest layers start first (longest-processing-time order), so one big package compressed last does not
    /// leave the other cores idle at the end. `onResult` receives each layer (with its index in `sources`) as soon
    /// as it is ready, so the caller can start using it (e.g. upload it) while the others are still being built.
    public func layers(
        for sources: [LayerSource], options: LayerOptions = LayerOptions(),
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        onResult: @escaping @Sendable (_ index: Int, _ result: LayerBuildResult) -> Void = { _, _ in }
    ) async throws(LayerError) -> [LayerBuildResult] {
        let order = sources.indices.sorted { (sources[$0].contentSize, $1) > (sources[$1].contentSize, $0) }
        let results = try await BoundedConcurrency.map(order, limit: maxConcurrency) {
            (index) throws(LayerError) in
            let result = try await self.layer(for: sources[index], options: options)
            onResult(index, result)
            return result
        }
        var ordered = [LayerBuildResult?](repeating: nil, count: sources.count)
        for (position, index) in order.enumerated() {
            ordered[index] = results[position]
        }
        return ordered.map { $0! }
    }

    /// The layer from the cache, or built now and recorded. Blocks the calling thread.
    public func layerBlocking(
        for source: LayerSource, options: LayerOptions = LayerOptions()
    ) throws(LayerError) -> LayerBuildResult {
        try layerBlocking(for: source, options: options, cancellation: nil)
    }

    /// The layer key of `source` built with `options`; reads every file once.
    public func key(for source: LayerSource, options: LayerOptions = LayerOptions()) throws(LayerError) -> Digest {
        try contentKey(for: source, options: options, cancellation: nil)
    }

    func layerBlocking(
        for source: LayerSource, options: LayerOptions, cancellation: CancellationFlag?
    ) throws(LayerError) -> LayerBuildResult {
        try options.validate()
        let fingerprintKey = LayerCache.fingerprintKey(for: source, options: options)
        if let fingerprintKey, let known = try readFingerprintRecord(fingerprintKey),
            let blob = try cachedBlob(layerKey: known)
        {
            // The fingerprints were taken when the source was listed; make sure that is still what is on disk.
            try checkUnchanged(source)
            counters.withLock {
                $0.hits += 1
                $0.fingerprintHits += 1
            }
            return LayerBuildResult(blob: blob, cacheHit: true)
        }
        // A fingerprint miss: reuse the digests of files already hashed for a layer of the same shape (the same
        // package linked again from uv's cache into a new staging tree) and read only the others.
        let shapeKey = fingerprintKey == nil ? nil : LayerCache.shapeKey(for: source, options: options)
        let known = try shapeKey.map { (key) throws(LayerError) in try readDigestMemo(key) } ?? [:]
        var learned: [String: Digest] = [:]
        let layerKey = try contentKey(
            for: source, options: options, cancellation: cancellation, known: known, learned: &learned)
        func remember() throws(LayerError) {
            // Only after checkUnchanged: a digest is recorded for a fingerprint only if the file still has it.
            if let shapeKey, !learned.isEmpty, learned != known { try writeDigestMemo(shapeKey, memo: learned) }
            if let fingerprintKey { try writeFingerprintRecord(fingerprintKey, layerKey: layerKey.encoded) }
        }
        if let blob = try cachedBlob(layerKey: layerKey.encoded) {
            try checkUnchanged(source)
            try remember()
            counters.withLock { $0.hits += 1 }
            return LayerBuildResult(blob: blob, cacheHit: true)
        }
        let blob = try LayerBuilder.buildBlocking(
            source, options: options, blobsDirectory: blobsDirectory, cancellation: cancellation)
        try checkUnchanged(source)
        try writeLayerRecord(layerKey.encoded, blob: blob)
        try remember()
        counters.withLock { $0.misses += 1 }
        return LayerBuildResult(blob: blob, cacheHit: false)
    }
}
