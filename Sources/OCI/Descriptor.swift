/// A content descriptor: a typed, sized pointer to a blob or manifest by digest.
///
/// Optional fields are omitted from JSON when nil.
public struct Descriptor: Hashable, Sendable, Codable {
    /// Media type of the referenced content.
    public var mediaType: String
    /// Digest of the referenced content's exact bytes.
    public var digest: Digest
    /// Size of the referenced content in bytes.
    public var size: Int64
    /// Alternative download locations (Docker foreign layers).
    public var urls: [String]?
    /// Arbitrary metadata.
    public var annotations: [String: String]?
    /// The platform of the referenced manifest; only meaningful inside an index.
    public var platform: Platform?
    /// The artifact type of the referenced manifest, if it is an artifact.
    public var artifactType: String?
    /// The content itself, base64-encoded, when embedded.
    public var data: String?

    /// Creates a descriptor.
    public init(
        mediaType: String, digest: Digest, size: Int64, urls: [String]? = nil, annotations: [String: String]? = nil,
        platform: Platform? = nil, artifactType: String? = nil, data: String? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.urls = urls
        self.annotations = annotations
        self.platform = platform
        self.artifactType = artifactType
        self.data = data
    }

    /// The annotation key BuildKit uses to mark attestation manifests in an index.
    public static let referenceTypeAnnotation = "vnd.docker.reference.type"

    /// True for a BuildKit attestation entry: platform `unknown/unknown` or annotation
    /// `vnd.docker.reference.type: attestation-manifest`.
    public var isAttestation: Bool {
        platform?.isUnknown == true || annotations?[Descriptor.referenceTypeAnnotation] == "attestation-manifest"
    }
}
