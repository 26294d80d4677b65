import Foundation
import Layers
import OCI
import Registry

/// Writes built images as an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`).
///
/// Blobs are hardlinked from the layer cache when possible (copied otherwise); base layers are downloaded into the
/// cache first. An existing layout is extended: entries of `index.json` with the same
/// `org.opencontainers.image.ref.name` (or, for a tag that grammar rejects, the same `io.containerd.image.name`) are
/// replaced. Several platforms are written as an image index blob that `index.json` names.
struct OCILayoutWriter: Sendable {
    let client: RegistryClient
    let cache: LayerCache

    static let refNameAnnotation = "org.opencontainers.image.ref.name"
    /// The full image name (containerd's and BuildKit's annotation; any string).
    static let imageNameAnnotation = "io.containerd.image.name"

    /// The `index.json` annotations for an image tagged `tag` and named `imageName`: the tag as
    /// `org.opencontainers.image.ref.name` only when the OCI grammar allows it (flytekit tags may start with `_`),
    /// the full name always.
    static func annotations(tag: String, imageName: String) -> [String: String] {
        var annotations = [imageNameAnnotation: imageName]
        if LayoutRefName.isValid(tag) {
            annotations[refNameAnnotation] = tag
        }
        return annotations
    }

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
        let blobs = path + "/blobs/sha256"
        do {
            try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
            try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: path + "/oci-layout"))
        } catch {
            throw BuildError(.destination, "cannot write the OCI layout \(path): \(error.localizedDescription)")
        }
        let store = BlobStore(directory: cache.blobsDirectory)
        for image in images {
            for layer in image.base.manifest.layers {
                let source = try await store.fetch(layer, from: image.base.platformManifest.reference, client: client)
                try Self.place(file: source, digest: layer.digest, in: blobs)
            }
            for layer in image.layers {
                try Self.place(file: layer.blob.path, digest: layer.blob.digest, in: blobs)
            }
            try Self.place(data: image.image.config.bytes, digest: image.image.config.digest, in: blobs)
            try Self.place(data: image.image.manifest.bytes, digest: image.image.manifest.digest, in: blobs)
        }
        var top: Descriptor
        if images.count == 1, let image = images.first {
            top = image.indexDescriptor
        } else {
            let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: images.map(\.indexDescriptor))
            let raw: Raw<ImageIndex>
            do {
                raw = try Raw(encoding: index, mediaType: MediaType.ociIndex)
            } catch {
                throw BuildError(.io, "cannot encode the image index: \(error)")
            }
            try Self.place(data: raw.bytes, digest: raw.digest, in: blobs)
            top = raw.descriptor
        }
        let annotations = Self.annotations(tag: tag, imageName: imageName)
        top.annotations = annotations
        var index = ImageIndex(mediaType: MediaType.ociIndex, manifests: [])
        let indexPath = path + "/index.json"
        if let data = FileManager.default.contents(atPath: indexPath) {
            guard let existing = try? JSONDecoder().decode(ImageIndex.self, from: data) else {
                throw BuildError(.destination, "\(indexPath) is not an OCI image index — pass a new directory")
            }
            let key = annotations[Self.refNameAnnotation] == nil ? Self.imageNameAnnotation : Self.refNameAnnotation
            index.manifests = existing.manifests.filter { $0.annotations?[key] != annotations[key] }
        }
        index.manifests.append(top)
        do {
            try CanonicalJSON.encode(index).write(to: URL(fileURLWithPath: indexPath), options: .atomic)
        } catch {
            throw BuildError(.destination, "cannot write \(indexPath): \(error.localizedDescription)")
        }
        return top.digest
    }

    /// Hardlinks (or copies) `file` to `<blobs>/<hex>` unless it is already there.
    static func place(file: String, digest: Digest, in blobs: String) throws(BuildError) {
        let target = blobs + "/" + digest.encoded
        if FileManager.default.fileExists(atPath: target) { return }
        if link(file, target) == 0 { return }
        do {
            try FileManager.default.copyItem(atPath: file, toPath: target)
        } catch {
            throw BuildError(.destination, "cannot copy \(file) to \(target): \(error.localizedDescription)")
        }
    }

    /// Writes `data` to `<blobs>/<hex>` unless it is already there.
    static func place(data: Data, digest: Digest, in blobs: String) throws(BuildError) {
        let target = blobs + "/" + digest.encoded
        if FileManager.default.fileExists(atPath: target) { return }
        do {
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw BuildError(.destination, "cannot write \(target): \(error.localizedDescription)")
        }
    }
}
