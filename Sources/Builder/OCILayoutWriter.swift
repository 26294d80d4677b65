import Destinations
import Foundation
import Layers
import OCI
import Registry

/// Writes built images as an OCI image layout through ``Destinations/OCILayoutSink`` (the one local-layout writer,
/// shared with `imagespec copy … oci:DIR`).
///
/// Blobs are hardlinked from the layer cache when possible (copied otherwise); base layers are downloaded into the
/// cache first. An existing layout is extended: entries of `index.json` with the same
/// `org.opencontainers.image.ref.name` (or, for a tag that grammar rejects, the same `io.containerd.image.name`) are
/// replaced. Several platforms are written as an image index blob that `index.json` names.
struct OCILayoutWriter: Sendable {
    let client: RegistryClient
    let cache: LayerCache

    /// `name:tag` from flytekit's `name:planTag` (the repository part of `planName` with `tag`).
    static func imageName(_ planName: String, tag: String) -> String {
        guard let colon = planName.lastIndex(of: ":"), !planName[colon...].contains("/") else {
            return planName + ":" + tag
        }
        return planName[..<colon] + ":" + tag
    }

    /// Writes `images` and returns the digest the tag points at; `imageName` is the full `name:tag`.
    func write(
        _ images: [BuiltImage], to path: String, tag: String, imageName: String
    ) async throws(BuildError) -> Digest {
        do throws(RegistryError) {
            let sink = try OCILayoutSink(path: path, tag: tag, imageName: imageName)
            let store = BlobStore(directory: cache.blobsDirectory)
            for image in images {
                try await BuiltImageBlobs.write(image, to: sink, store: store, client: client)
            }
            if images.count == 1, let image = images.first {
                _ = try await sink.putTop(image.image.manifest.bytes, descriptor: image.indexDescriptor)
                return image.digest
            }
            for image in images {
                _ = try await sink.putChild(image.image.manifest.bytes, descriptor: image.indexDescriptor)
            }
            let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: images.map(\.indexDescriptor))
            let raw: Raw<ImageIndex>
            do {
                raw = try Raw(encoding: index, mediaType: MediaType.ociIndex)
            } catch {
                throw RegistryError(kind: .io, message: "cannot encode the image index: \(error)", isTemporary: false)
            }
            _ = try await sink.putTop(raw.bytes, descriptor: raw.descriptor)
            return raw.digest
        } catch {
            throw BuildError(.destination, "cannot write the OCI layout \(path): \(error.message)", cause: error)
        }
    }
}
