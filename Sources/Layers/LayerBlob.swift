import OCI

/// A finished layer blob on disk, with the numbers a manifest and an image config need.
public struct LayerBlob: Sendable, Hashable, Codable {
    /// sha256 of the blob as stored (compressed): the digest in the manifest's layer descriptor.
    public let digest: Digest
    /// sha256 of the uncompressed tar: the entry in the config's `rootfs.diff_ids`.
    public let diffID: Digest
    /// Size of the blob in bytes: the descriptor's `size`.
    public let size: Int64
    /// Size of the uncompressed tar in bytes (for progress and statistics).
    public let uncompressedSize: Int64
    /// The layer media type (`MediaType.ociLayerGzip`, `ociLayerZstd` or `ociLayer`).
    public let mediaType: String
    /// Where the blob is: `<blobs directory>/sha256/<hex>`.
    public let path: String

    /// Creates a blob description.
    public init(digest: Digest, diffID: Digest, size: Int64, uncompressedSize: Int64, mediaType: String, path: String) {
        self.digest = digest
        self.diffID = diffID
        self.size = size
        self.uncompressedSize = uncompressedSize
        self.mediaType = mediaType
        self.path = path
    }
}

extension LayerBlob {
    /// The manifest descriptor of this layer (media type, digest and size).
    public var descriptor: Descriptor {
        Descriptor(mediaType: mediaType, digest: digest, size: size)
    }
}
