/// The `--json` summary of a build: what was built and what was pushed.
public struct BuildReport: Sendable, Hashable, Codable {
    /// One layer of a platform image.
    public struct Layer: Sendable, Hashable, Codable {
        /// The blob digest.
        public var digest: String
        /// The blob size.
        public var size: Int64
        /// The media type in the manifest.
        public var mediaType: String
        /// Whether its bytes were sent (false: already there, mounted, or not a registry destination).
        public var pushed: Bool
        /// `base`, `package` or `files`.
        public var kind: String
        /// `name==version` of the Python distributions in it.
        public var packages: [String]?

        enum CodingKeys: String, CodingKey {
            case digest, size, mediaType, pushed, kind, packages
        }
    }

    /// The image for one platform.
    public struct PlatformImage: Sendable, Hashable, Codable {
        /// `linux/amd64` …
        public var platform: String
        /// The manifest digest.
        public var digest: String
        /// The Python version the packages were installed for.
        public var python: String
        /// Base layers first, then the new ones.
        public var layers: [Layer]
        /// Bytes sent for this platform (layers, config, manifest).
        public var bytesPushed: Int64
        /// The build steps in order (empty when nothing was built, e.g. an OCI layout written from a cache).
        public var steps: [Step] = []

        enum CodingKeys: String, CodingKey {
            case platform, digest, python, layers, steps
            case bytesPushed = "bytes_pushed"
        }
    }

    /// One build step of a platform image.
    public struct Step: Sendable, Hashable, Codable {
        /// `apt`, `packages`, `files` or `commands`.
        public var kind: String
        /// Whether the result came from a cache, so nothing ran (packages and files: every layer from the layer
        /// cache; apt and commands: the step cache).
        public var cacheHit: Bool
        /// Wall-clock seconds.
        public var seconds: Double
        /// How many layers the step added.
        public var layers: Int

        enum CodingKeys: String, CodingKey {
            case kind, seconds, layers
            case cacheHit = "cache_hit"
        }
    }

    /// The image name (`registry/name:tag`).
    public var image: String
    /// The digest of what the tag points at (manifest, or index for several platforms).
    public var digest: String?
    /// True when the image already existed and nothing was built.
    public var skipped: Bool
    /// Where it went (`docker://…`, `oci:DIR:TAG`, `docker-archive:FILE`).
    public var destination: String
    /// Per platform.
    public var platforms: [PlatformImage]
    /// Bytes sent in total.
    public var bytesPushed: Int64

    /// Creates a report; `bytesPushed` defaults to the platforms' sum.
    public init(
        image: String, digest: String?, skipped: Bool, destination: String, platforms: [PlatformImage],
        bytesPushed: Int64? = nil
    ) {
        self.image = image
        self.digest = digest
        self.skipped = skipped
        self.destination = destination
        self.platforms = platforms
        self.bytesPushed = bytesPushed ?? platforms.reduce(0) { $0 + $1.bytesPushed }
    }

    enum CodingKeys: String, CodingKey {
        case image, digest, skipped, destination, platforms
        case bytesPushed = "bytes_pushed"
    }
}
