import Foundation

/// Builds layer blobs: the tar is written, hashed and compressed in one streaming pass straight into a blobs
/// directory.
public enum LayerBuilder {
    /// Builds one layer and stores it as `<blobsDirectory>/sha256/<hex>`. Blocks the calling thread.
    ///
    /// Memory stays at a few MiB whatever the layer size: bytes flow through a 1 MiB tar buffer and a 1 MiB
    /// compressor buffer.
    ///
    /// - Throws: ``LayerError`` for unreadable or changing files, write failures and bad options.
    public static func buildBlocking(
        _ source: LayerSource, options: LayerOptions = LayerOptions(), blobsDirectory: String
    ) throws(LayerError) -> LayerBlob {
        try buildBlocking(source, options: options, blobsDirectory: blobsDirectory, cancellation: nil)
    }

    /// Builds one layer on a thread of its own, so the cooperative pool stays free for network work.
    ///
    /// Cancelling the calling task stops the build at the next 1 MiB chunk and removes the partial blob.
    public static func build(
        _ source: LayerSource, options: LayerOptions = LayerOptions(), blobsDirectory: String
    ) async throws(LayerError) -> LayerBlob {
        try await BlockingWork.run { (cancellation) throws(LayerError) in
            try buildBlocking(source, options: options, blobsDirectory: blobsDirectory, cancellation: cancellation)
        }
    }

    /// Builds several layers concurrently, at most `maxConcurrency` at a time (default: the active processor
    /// count), each on its own thread; results are in the order of `sources`.
    ///
    /// The first failure cancels the builds still running and is thrown.
    public static func buildAll(
        _ sources: [LayerSource], options: LayerOptions = LayerOptions(), blobsDirectory: String,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) async throws(LayerError) -> [LayerBlob] {
        try await BoundedConcurrency.map(sources, limit: maxConcurrency) { (source) throws(LayerError) in
            try await build(source, options: options, blobsDirectory: blobsDirectory)
        }
    }

    static func buildBlocking(
        _ source: LayerSource, options: LayerOptions, blobsDirectory: String, cancellation: CancellationFlag?
    ) throws(LayerError) -> LayerBlob {
        try options.validate()
        let pipeline = try LayerPipeline(
            compression: options.compression, blobsDirectory: blobsDirectory, cancellation: cancellation)
        let writer = try TarWriter(mtime: options.mtime) { (chunk) throws(LayerError) in
            try pipeline.consume(chunk)
        }
        for entry in source.entries {
            try writer.append(entry)
        }
        try writer.finish()
        return try pipeline.finish(mediaType: options.compression.mediaType)
    }
}
