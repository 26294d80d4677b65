/// An image index: the OCI image index or the Docker manifest list (same JSON shape).
public struct ImageIndex: Hashable, Sendable, Codable {
    /// Always 2.
    public var schemaVersion: Int
    /// ``MediaType/ociIndex`` or ``MediaType/dockerManifestList``, or nil when the JSON has none.
    public var mediaType: String?
    /// The artifact type, for OCI artifacts.
    public var artifactType: String?
    /// The manifests, each usually with a ``Descriptor/platform``.
    public var manifests: [Descriptor]
    /// The manifest this one refers to (OCI referrers).
    public var subject: Descriptor?
    /// Arbitrary metadata.
    public var annotations: [String: String]?

    /// Creates an index; by default an OCI image index.
    public init(
        schemaVersion: Int = 2, mediaType: String? = MediaType.ociIndex, artifactType: String? = nil,
        manifests: [Descriptor], subject: Descriptor? = nil, annotations: [String: String]? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.manifests = manifests
        self.subject = subject
        self.annotations = annotations
    }

    /// The media type to send as `Content-Type`: ``mediaType`` if present, else OCI.
    public var effectiveMediaType: String {
        mediaType ?? MediaType.ociIndex
    }

    /// The image entries: every manifest except BuildKit attestations (`unknown/unknown` or annotated
    /// `vnd.docker.reference.type: attestation-manifest`).
    public var imageManifests: [Descriptor] {
        manifests.filter { !$0.isAttestation }
    }

    /// The platforms of the image entries, in index order.
    public var platforms: [Platform] {
        imageManifests.compactMap(\.platform)
    }

    /// The first image entry whose platform matches `platform` (see ``Platform/matches(_:)``), skipping attestation
    /// entries and entries without a platform.
    public func manifest(for platform: Platform) -> Descriptor? {
        imageManifests.first { $0.platform?.matches(platform) == true }
    }
}
