/// The TOML shape of a containers-registries.conf(5) version 2 file, as decoded (before validation).
/// Keys this tool does not use (`short-name-mode`, `[aliases]`, `credential-helpers` …) are ignored.
struct RegistriesConfigurationFile: Decodable {
    struct Mirror: Decodable {
        var location: String?
        var insecure: Bool?
        var pullFromMirror: String?

        enum CodingKeys: String, CodingKey {
            case location, insecure
            case pullFromMirror = "pull-from-mirror"
        }
    }

    struct Registry: Decodable {
        var prefix: String?
        var location: String?
        var insecure: Bool?
        var blocked: Bool?
        var mirrorByDigestOnly: Bool?
        var mirror: [Mirror]?

        enum CodingKeys: String, CodingKey {
            case prefix, location, insecure, blocked, mirror
            case mirrorByDigestOnly = "mirror-by-digest-only"
        }
    }

    /// A version 1 `[registries.search|insecure|block]` table: `registries = ["host", …]`.
    struct VersionOneList: Decodable {
        var registries: [String]?
    }

    /// The version 1 `[registries]` tables, read only to refuse `insecure` and `block` lists that would otherwise be
    /// silently ignored.
    struct VersionOne: Decodable {
        var search: VersionOneList?
        var insecure: VersionOneList?
        var block: VersionOneList?
    }

    var unqualifiedSearchRegistries: [String]?
    var registry: [Registry]?
    var registries: VersionOne?

    enum CodingKeys: String, CodingKey {
        case registry, registries
        case unqualifiedSearchRegistries = "unqualified-search-registries"
    }
}
