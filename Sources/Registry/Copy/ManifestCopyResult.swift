import OCI

/// One manifest an ``ImageCopier`` pushed to the destination.
public struct ManifestCopyResult: Sendable, Hashable, Codable {
    /// The digest of the exact bytes pushed (equal to the source's).
    public let digest: Digest
    /// The media type sent as `Content-Type`.
    public let mediaType: String
    /// The number of bytes.
    public let size: Int64
    /// The platform of an image manifest, from its index entry, when known.
    public let platform: Platform?
    /// What it was pushed as: the tag for the top manifest, else the digest.
    public let pushedAs: String

    /// Creates a result.
    public init(digest: Digest, mediaType: String, size: Int64, platform: Platform?, pushedAs: String) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
        self.platform = platform
        self.pushedAs = pushedAs
    }
}
