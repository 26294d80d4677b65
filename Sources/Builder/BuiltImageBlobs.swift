import Destinations
import OCI
import Registry

/// The blobs of a built image offered to an ``Registry/ImageSink``: base layers from the base's repository
/// (downloaded into the layer cache's blob store when the sink cannot mount them), new layers from the cache, the
/// config from memory.
enum BuiltImageBlobs {
    /// Puts every blob of `image` into `sink`.
    static func write(_ image: BuiltImage, to sink: some ImageSink, store: BlobStore, client: RegistryClient)
        async throws(RegistryError)
    {
        let origin = image.base.platformManifest.reference
        for layer in image.base.manifest.layers {
            _ = try await sink.ensureBlob(
                layer,
                from: .repository(origin) { () async throws(RegistryError) -> String in
                    try await store.download(layer, from: origin, client: client)
                })
        }
        for layer in image.layers {
            _ = try await sink.ensureBlob(layer.blob.descriptor, from: .file(path: layer.blob.path))
        }
        _ = try await sink.ensureBlob(image.image.config.descriptor, from: .data(image.image.config.bytes))
    }
}
