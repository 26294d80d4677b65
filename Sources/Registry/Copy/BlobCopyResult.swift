import OCI

/// What an ``ImageCopier`` did with one blob (a layer or a config).
public struct BlobCopyResult: Sendable, Hashable, Codable {
    /// How the blob got to (or already was at) the destination.
    public enum Action: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The destination already had it (`HEAD` answered 200): nothing was sent.
        case skipped
        /// The registry linked it from the source repository (cross-repository mount): nothing was sent.
        case mounted
        /// It was downloaded from the source (digest verified) and uploaded to the destination.
        case uploaded
        /// Not copied: a non-distributable (foreign) layer whose descriptor points at external URLs.
        case foreign

        /// The raw value.
        public var description: String { rawValue }
    }

    /// The blob's digest.
    public let digest: Digest
    /// The blob's media type, from the manifest that references it.
    public let mediaType: String
    /// The blob's size in bytes, from the manifest.
    public let size: Int64
    /// What happened.
    public let action: Action
    /// Bytes sent to the destination (``size`` for ``Action/uploaded``, else 0).
    public let bytesUploaded: Int64

    /// Creates a result.
    public init(digest: Digest, mediaType: String, size: Int64, action: Action) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
        self.action = action
        self.bytesUploaded = action == .uploaded ? size : 0
    }
}
