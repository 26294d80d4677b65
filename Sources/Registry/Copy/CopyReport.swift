import OCI

/// The outcome of ``ImageCopier/copy(from:to:platforms:)``: what was resolved at the source, and per manifest and
/// per blob what was done at the destination.
public struct CopyReport: Sendable, Hashable {
    /// The source as given.
    public let source: Reference
    /// The destination as written: `host/repository:tag` for a registry, `oci:DIR:TAG` or
    /// `docker-archive:FILE` for a local sink (``ImageSink/description``).
    public let destination: String
    /// What to use the copy by: `host/repo@sha256:…` for a registry (``ImageSink/pinned(to:)``).
    public let pinnedDestination: String
    /// The digest of the manifest the source reference resolved to (an index when the source is multi-platform,
    /// even if only one platform was copied).
    public let sourceDigest: Digest
    /// The digest of the manifest the destination now points at (the child's, when one platform was selected).
    public let digest: Digest
    /// The media type of that manifest.
    public let mediaType: String
    /// The manifests pushed, children first and the top manifest last.
    public let manifests: [ManifestCopyResult]
    /// Every distinct blob, in the order they finished.
    public let blobs: [BlobCopyResult]

    /// Creates a report.
    public init(
        source: Reference, destination: String, pinnedDestination: String, sourceDigest: Digest, digest: Digest,
        mediaType: String,
        manifests: [ManifestCopyResult], blobs: [BlobCopyResult]
    ) {
        self.source = source
        self.destination = destination
        self.pinnedDestination = pinnedDestination
        self.sourceDigest = sourceDigest
        self.digest = digest
        self.mediaType = mediaType
        self.manifests = manifests
        self.blobs = blobs
    }

    /// The number of blobs with `action`.
    public func count(_ action: BlobCopyResult.Action) -> Int {
        blobs.count { $0.action == action }
    }

    /// Bytes sent to the destination, over all blobs.
    public var bytesUploaded: Int64 {
        blobs.reduce(0) { $0 + $1.bytesUploaded }
    }
}
