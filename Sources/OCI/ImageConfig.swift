import Foundation

/// An image configuration (OCI `config.json` / Docker container image config).
///
/// Kept: `created`, `author`, `architecture`, `os`, `os.version`, `os.features`, `variant`, `config`, `rootfs` and
/// `history`. Other top-level fields of a base image's config (Docker's `container`, `container_config`,
/// `docker_version`, `id`, `parent`, …) are **dropped** when a config is decoded and re-encoded; they are
/// informational and not used by runtimes. A config pulled and pushed unchanged should be copied as its raw bytes
/// (``Raw``), which loses nothing.
public struct ImageConfig: Hashable, Sendable, Codable {
    /// Creation time, RFC 3339 (kept as the exact string).
    public var created: String?
    /// Author of the image.
    public var author: String?
    /// CPU architecture, e.g. `amd64`.
    public var architecture: String
    /// Operating system, e.g. `linux`.
    public var os: String
    /// Operating system version (`os.version`).
    public var osVersion: String?
    /// Operating system features (`os.features`).
    public var osFeatures: [String]?
    /// CPU variant, e.g. `v8`.
    public var variant: String?
    /// Defaults for containers run from the image.
    public var config: ContainerConfig?
    /// The layers' uncompressed digests.
    public var rootfs: RootFS
    /// How each layer was made.
    public var history: [History]?

    enum CodingKeys: String, CodingKey {
        case created, author, architecture, os
        case osVersion = "os.version"
        case osFeatures = "os.features"
        case variant, config, rootfs, history
    }

    /// Creates a configuration.
    public init(
        created: String? = nil, author: String? = nil, architecture: String, os: String, osVersion: String? = nil,
        osFeatures: [String]? = nil, variant: String? = nil, config: ContainerConfig? = nil,
        rootfs: RootFS = RootFS(diffIDs: []), history: [History]? = nil
    ) {
        self.created = created
        self.author = author
        self.architecture = architecture
        self.os = os
        self.osVersion = osVersion
        self.osFeatures = osFeatures
        self.variant = variant
        self.config = config
        self.rootfs = rootfs
        self.history = history
    }

    /// The platform this configuration declares.
    public var platform: Platform {
        Platform(os: os, architecture: architecture, variant: variant, osVersion: osVersion, osFeatures: osFeatures)
    }

    /// Formats `date` as the RFC 3339 UTC timestamp used in `created` fields, e.g. `1970-01-01T00:00:00Z`
    /// (whole seconds).
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
