import CZlib
import CZstd
import OCI

/// How a layer's tar stream is compressed, which also decides its media type.
public enum LayerCompression: Sendable, Hashable, CustomStringConvertible {
    /// No compression: the blob is the tar itself (`application/vnd.oci.image.layer.v1.tar`).
    case none
    /// gzip via zlib at `level` 0…9; level 1 (fastest) is the default, as go-containerregistry uses.
    case gzip(level: Int = 1)
    /// zstd via libzstd at `level` 1…19; 3 is libzstd's default.
    case zstd(level: Int = 3)

    /// The OCI media type of layers compressed this way.
    public var mediaType: String {
        switch self {
        case .none: MediaType.ociLayer
        case .gzip: MediaType.ociLayerGzip
        case .zstd: MediaType.ociLayerZstd
        }
    }

    /// `"gzip:1"`, `"zstd:3"` or `"none"`: the form ``init(parsing:)`` reads.
    public var description: String {
        switch self {
        case .none: "none"
        case .gzip(let level): "gzip:\(level)"
        case .zstd(let level): "zstd:\(level)"
        }
    }

    /// Parses `gzip`, `zstd` or `none`, optionally followed by `:<level>` (for example `gzip:6`).
    ///
    /// - Throws: ``LayerError`` naming the value and the accepted forms.
    public init(parsing text: String) throws(LayerError) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        var level: Int?
        if parts.count == 2 {
            guard let parsed = Int(parts[1]) else {
                throw LayerError(.invalidOption, "compression \"\(text)\": level \"\(parts[1])\" is not a number")
            }
            level = parsed
        }
        switch name {
        case "gzip": self = .gzip(level: level ?? 1)
        case "zstd": self = .zstd(level: level ?? 3)
        case "none" where level == nil: self = .none
        default:
            throw LayerError(
                .invalidOption, "compression \"\(text)\" is not supported; use gzip, zstd or none (optionally :LEVEL)")
        }
        try validate()
    }

    /// Checks the level is in range.
    ///
    /// - Throws: ``LayerError`` naming the level and the valid range.
    public func validate() throws(LayerError) {
        switch self {
        case .none: return
        case .gzip(let level) where !(0...9).contains(level):
            throw LayerError(.invalidOption, "gzip level \(level) is out of range; use 0…9 (1 is fastest)")
        case .zstd(let level) where !(1...Int(ZSTD_maxCLevel())).contains(level):
            throw LayerError(.invalidOption, "zstd level \(level) is out of range; use 1…\(ZSTD_maxCLevel())")
        default: return
        }
    }

    /// The compressor and library version: part of every cache key, because another zlib or libzstd version can
    /// produce different bytes (and so a different digest) for the same tar.
    var cacheIdentity: String {
        switch self {
        case .none: "none"
        case .gzip(let level):
            "gzip \(level) zlib \(String(cString: zlibVersion())) blocks \(BlockGzipCompressor.blockSize)"
        case .zstd(let level): "zstd \(level) libzstd \(ZSTD_versionNumber()) checksum"
        }
    }
}
