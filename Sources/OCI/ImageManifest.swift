/// An image manifest: the OCI image manifest or the Docker schema 2 manifest (same JSON shape).
///
/// `mediaType` may be absent in OCI manifests (umoci and older tools omit it); it is omitted again when encoding.
public struct ImageManifest: Hashable, Sendable, Codable {
    /// Always 2.
    public var schemaVersion: Int
    /// ``MediaType/ociManifest`` or ``MediaType/dockerManifest``, or nil when the JSON has none.
    public var mediaType: String?
    /// The artifact type, for OCI artifacts.
    public var artifactType: String?
    /// The image configuration blob.
    public var config: Descriptor
    /// Filesystem layers, base first.
    public var layers: [Descriptor]
    /// The manifest this one refers to (OCI referrers).
    public var subject: Descriptor?
    /// Arbitrary metadata.
    public var annotations: [String: String]?

    /// Creates a manifest; by default an OCI image manifest.
    public init(
        schemaVersion: Int = 2, mediaType: String? = MediaType.ociManifest, artifactType: String? = nil,
        config: Descriptor, layers: [Descriptor], subject: Descriptor? = nil, annotations: [String: String]? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
    }

    /// The media type to send as `Content-Type`: ``mediaType`` if present, else OCI (a manifest without one is OCI).
    public var effectiveMediaType: String {
        mediaType ?? MediaType.ociManifest
    }

    /// True when this is a Docker schema 2 manifest.
    public var isDocker: Bool {
        MediaType.isDocker(effectiveMediaType)
    }
}
