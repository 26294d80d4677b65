import Support

/// Media types of the OCI image specification and the Docker image formats that registries still serve, with
/// helpers to classify them and to convert between the Docker and OCI equivalents.
public enum MediaType {
    /// OCI image manifest.
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// OCI image index.
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// OCI image configuration.
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    /// OCI layer, uncompressed tar.
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    /// OCI layer, gzip-compressed tar.
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    /// OCI layer, zstd-compressed tar.
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    /// OCI non-distributable layer, uncompressed (deprecated by the OCI spec, still found in Windows images).
    public static let ociNondistributableLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar"
    /// OCI non-distributable layer, gzip-compressed (deprecated by the OCI spec).
    public static let ociNondistributableLayerGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
    /// OCI non-distributable layer, zstd-compressed (deprecated by the OCI spec).
    public static let ociNondistributableLayerZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
    /// The OCI empty descriptor's media type (blob `{}`), used as the config of artifacts.
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"
    /// Docker image manifest, schema 2.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// Docker manifest list (multi-platform).
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// Docker container image configuration.
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    /// Docker layer, gzip-compressed tar.
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    /// Docker layer, uncompressed tar (not in the schema 2 document, but produced and accepted by Docker).
    public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"
    /// Docker foreign (non-distributable) layer.
    public static let dockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    /// Docker image manifest, schema 1 (unsupported; recognised only to reject it clearly).
    public static let dockerManifestSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    /// Docker image manifest, schema 1 signed (unsupported; recognised only to reject it clearly).
    public static let dockerManifestSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    /// Every manifest media type this project reads, for the `Accept` header of manifest requests.
    public static let manifestAccept: [String] = [ociIndex, dockerManifestList, ociManifest, dockerManifest]

    /// The bare media type: parameters such as `; charset=utf-8` removed, whitespace trimmed, lowercased.
    public static func essence(_ contentType: String) -> String {
        let bare = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(bare.trimmingSpaces).lowercased()
    }

    /// True for an OCI image index or a Docker manifest list.
    public static func isIndex(_ mediaType: String) -> Bool {
        let type = essence(mediaType)
        return type == ociIndex || type == dockerManifestList
    }

    /// True for an OCI image manifest or a Docker schema 2 manifest.
    public static func isImageManifest(_ mediaType: String) -> Bool {
        let type = essence(mediaType)
        return type == ociManifest || type == dockerManifest
    }

    /// True for a Docker schema 1 manifest type, which this project does not support.
    public static func isSchema1(_ mediaType: String) -> Bool {
        let type = essence(mediaType)
        return type == dockerManifestSchema1 || type == dockerManifestSchema1Signed
    }

    /// True for an image configuration (OCI or Docker).
    public static func isConfig(_ mediaType: String) -> Bool {
        let type = essence(mediaType)
        return type == ociConfig || type == dockerConfig
    }

    /// True for any filesystem layer type (OCI or Docker, any compression, distributable or not).
    public static func isLayer(_ mediaType: String) -> Bool {
        let type = essence(mediaType)
        return type.hasPrefix("application/vnd.oci.image.layer.")
            || type.hasPrefix("application/vnd.docker.image.rootfs.")
    }

    /// True for a Docker-namespaced media type (`application/vnd.docker.…`).
    public static func isDocker(_ mediaType: String) -> Bool {
        essence(mediaType).hasPrefix("application/vnd.docker.")
    }

    /// The OCI equivalent of a Docker media type (manifest, list, config, layers); other types are returned unchanged.
    public static func ociEquivalent(of mediaType: String) -> String {
        switch essence(mediaType) {
        case dockerManifest: ociManifest
        case dockerManifestList: ociIndex
        case dockerConfig: ociConfig
        case dockerLayerGzip: ociLayerGzip
        case dockerLayer: ociLayer
        case dockerForeignLayerGzip: ociNondistributableLayerGzip
        default: mediaType
        }
    }

    /// The Docker equivalent of an OCI media type, or nil if Docker schema 2 has none (zstd layers, artifacts…).
    /// Docker types are returned unchanged.
    public static func dockerEquivalent(of mediaType: String) -> String? {
        switch essence(mediaType) {
        case ociManifest: dockerManifest
        case ociIndex: dockerManifestList
        case ociConfig: dockerConfig
        case ociLayerGzip: dockerLayerGzip
        case ociLayer: dockerLayer
        case ociNondistributableLayerGzip: dockerForeignLayerGzip
        case let type where type.hasPrefix("application/vnd.docker."): mediaType
        default: nil
        }
    }
}
