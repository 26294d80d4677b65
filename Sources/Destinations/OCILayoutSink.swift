import Foundation
import OCI
import Registry

/// An ``Registry/ImageSink`` writing an OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`),
/// as `skopeo copy … oci:DIR:TAG` does.
///
/// Blobs are hardlinked from their files when possible. An existing layout is extended: the `index.json` entry with
/// the same `org.opencontainers.image.ref.name` (or, when the tag is not a valid ref name, the same
/// `io.containerd.image.name`) is replaced by the new top manifest. Writers of one layout (concurrent builds into
/// the same directory) take turns on `index.json` through an exclusive `flock` on `DIR/index.json.lock`, so none
/// loses another's tag.
public struct OCILayoutSink: ImageSink {
    /// The layout directory.
    public let path: String
    /// The tag (`org.opencontainers.image.ref.name` when the OCI grammar allows it, see ``OCI/LayoutRefName``).
    public let tag: String?
    /// The full image name (`io.containerd.image.name`), if any.
    public let imageName: String?
    let blobs: LocalBlobs

    /// The ref name annotation.
    public static let refNameAnnotation = "org.opencontainers.image.ref.name"
    /// The full image name annotation (containerd's and BuildKit's; any string).
    public static let imageNameAnnotation = "io.containerd.image.name"

    /// Creates (or opens) the layout at `path`; `tag` and `imageName` annotate the top manifest.
    public init(path: String, tag: String?, imageName: String? = nil) throws(RegistryError) {
        self.path = path
        self.tag = tag
        self.imageName = imageName
        blobs = try LocalBlobs(directory: path + "/blobs")
        do {
            try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(
                to: URL(fileURLWithPath: path + "/oci-layout"), options: .atomic)
        } catch {
            throw RegistryError.io(path: path, operation: "write the OCI layout", reason: error.localizedDescription)
        }
    }

    /// The `index.json` annotations of the top manifest: the tag as ref name when the grammar allows it, the image
    /// name when given.
    public static func annotations(tag: String?, imageName: String?) -> [String: String] {
        var annotations: [String: String] = [:]
        if let imageName { annotations[imageNameAnnotation] = imageName }
        if let tag, LayoutRefName.isValid(tag) { annotations[refNameAnnotation] = tag }
        return annotations
    }

    /// `oci:DIR:TAG` (`oci:DIR` when there is no tag or it cannot be a ref name): what skopeo and podman accept.
    public var description: String {
        guard let tag, LayoutRefName.isValid(tag) else { return "oci:\(path)" }
        return "oci:\(path):\(tag)"
    }

    /// See ``Registry/ImageSink/ensureBlob(_:from:)``.
    public func ensureBlob(_ descriptor: Descriptor, from source: BlobSource) async throws(RegistryError)
        -> BlobPlacement
    {
        try await blobs.ensure(descriptor, from: source)
    }

    /// See ``Registry/ImageSink/putChild(_:descriptor:)``.
    public func putChild(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String {
        try blobs.write(bytes, digest: descriptor.digest)
        return descriptor.digest.description
    }

    /// See ``Registry/ImageSink/putTop(_:descriptor:)``.
    public func putTop(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String {
        try blobs.write(bytes, digest: descriptor.digest)
        var top = Descriptor(
            mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size,
            platform: descriptor.platform)
        let annotations = Self.annotations(tag: tag, imageName: imageName)
        top.annotations = annotations.isEmpty ? nil : annotations
        let indexPath = path + "/index.json"
        try LayoutLock.withLock(indexPath + ".lock") { () throws(RegistryError) in
            var index = ImageIndex(mediaType: MediaType.ociIndex, manifests: [])
            if let data = FileManager.default.contents(atPath: indexPath) {
                guard let existing = try? JSONDecoder().decode(ImageIndex.self, from: data) else {
                    throw RegistryError(
                        kind: .io, message: "\(indexPath) is not an OCI image index — pass a new directory",
                        isTemporary: false)
                }
                let key = annotations[Self.refNameAnnotation] == nil ? Self.imageNameAnnotation : Self.refNameAnnotation
                index.manifests = existing.manifests.filter {
                    annotations[key] == nil || $0.annotations?[key] != annotations[key]
                }
            }
            index.manifests.append(top)
            do {
                try CanonicalJSON.encode(index).write(to: URL(fileURLWithPath: indexPath), options: .atomic)
            } catch {
                throw RegistryError.io(path: indexPath, operation: "write", reason: error.localizedDescription)
            }
        }
        return tag ?? descriptor.digest.description
    }

    /// See ``Registry/ImageSink/pinned(to:)``.
    public func pinned(to digest: Digest) -> String { description }
}
