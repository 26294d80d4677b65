import OCI

/// Which images of a source an ``ImageCopier`` copies.
public enum PlatformSelection: Sendable, Hashable, CustomStringConvertible {
    /// Everything: an index is copied whole (the index and every child manifest with all their blobs); a single
    /// image manifest is copied as it is. This is also the default when no platform is asked for.
    case all
    /// Only the image for this platform. From an index, the first matching child (``ImageIndex/manifest(for:)``)
    /// becomes the destination's manifest; a single image must have this platform in its config.
    case platform(Platform)

    /// `all platforms` or the platform (`linux/arm64`).
    public var description: String {
        switch self {
        case .all: "all platforms"
        case .platform(let platform): platform.description
        }
    }
}
