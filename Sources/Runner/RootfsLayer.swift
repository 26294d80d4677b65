import OCI

/// One layer to materialise: the blob file (gzip, zstd or uncompressed tar, per its media type) and its diff_id.
public struct RootfsLayer: Sendable, Hashable {
    /// The sha256 of the uncompressed tar stream; also the name of the unpacked directory.
    public var diffID: Digest
    /// The host path of the blob.
    public var blobPath: String
    /// The blob's media type; `gzip` or `zstd` in it selects the decompressor, otherwise the blob is a plain tar.
    public var mediaType: String

    /// Creates a layer description.
    public init(diffID: Digest, blobPath: String, mediaType: String) {
        self.diffID = diffID
        self.blobPath = blobPath
        self.mediaType = mediaType
    }
}
