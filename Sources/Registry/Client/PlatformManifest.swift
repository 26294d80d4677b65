import OCI

/// The image manifest chosen for one platform: the manifest with its exact bytes, the reference that pins it by
/// digest, and the index it was chosen from (nil when the reference named an image manifest directly).
public struct PlatformManifest: Sendable {
    /// `repository@digest` of the chosen image manifest.
    public let reference: Reference
    /// The image manifest, with its exact bytes and media type.
    public let raw: Raw<Manifest>
    /// The parsed image manifest (``raw``'s value).
    public let manifest: ImageManifest
    /// The index or manifest list the image was chosen from, if any.
    public let index: Raw<Manifest>?

    /// Creates a result.
    public init(reference: Reference, raw: Raw<Manifest>, manifest: ImageManifest, index: Raw<Manifest>?) {
        self.reference = reference
        self.raw = raw
        self.manifest = manifest
        self.index = index
    }

    /// Descriptor of the image manifest (media type, digest, size).
    public var descriptor: Descriptor { raw.descriptor }
}
