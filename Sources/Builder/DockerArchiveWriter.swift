import Destinations
import Foundation
import Layers
import OCI
import Registry

/// Writes one built image as a tarball `docker load` and `podman load` accept, through
/// ``Destinations/DockerArchiveSink`` (the one docker-archive writer, shared with `imagespec copy`).
struct DockerArchiveWriter: Sendable {
    let client: RegistryClient
    let cache: LayerCache

    func write(_ image: BuiltImage, to path: String, name: String) async throws(BuildError) {
        var staged: DockerArchiveSink?
        do throws(RegistryError) {
            let sink = try DockerArchiveSink(path: path, name: name)
            staged = sink
            try await BuiltImageBlobs.write(
                image, to: sink, store: BlobStore(directory: cache.blobsDirectory), client: client)
            _ = try await sink.putTop(image.image.manifest.bytes, descriptor: image.indexDescriptor)
        } catch {
            staged?.discard()
            throw BuildError(.destination, "docker-archive \(path): \(error.message)", cause: error)
        }
    }
}
