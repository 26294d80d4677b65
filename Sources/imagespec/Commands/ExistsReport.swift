import OCI

/// The `--json` answer of `imagespec exists`.
struct ExistsReport: Encodable {
    /// Whether the manifest exists.
    let exists: Bool
    /// The normalised reference checked.
    let reference: String
    /// The manifest digest, when it exists.
    let digest: String?
    /// The manifest media type, when it exists.
    let mediaType: String?
    /// The manifest size in bytes, when it exists.
    let size: Int64?
    /// `registry/repository@digest`, when it exists: what to pull.
    let pinned: String?

    init(reference: Reference, descriptor: Descriptor?) {
        self.exists = descriptor != nil
        self.reference = reference.description
        self.digest = descriptor?.digest.description
        self.mediaType = descriptor?.mediaType
        self.size = descriptor?.size
        self.pinned = descriptor.map { reference.pinned(to: $0.digest).description }
    }

    private enum CodingKeys: String, CodingKey {
        case exists, reference, digest, mediaType, size, pinned
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(exists, forKey: .exists)
        try container.encode(reference, forKey: .reference)
        try container.encode(digest, forKey: .digest)
        try container.encode(mediaType, forKey: .mediaType)
        try container.encode(size, forKey: .size)
        try container.encode(pinned, forKey: .pinned)
    }
}
