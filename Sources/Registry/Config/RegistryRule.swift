/// One validated `[[registry]]` table.
struct RegistryRule: Sendable {
    /// When a mirror may be used.
    enum PullFrom: String, Sendable {
        case all
        case digestOnly = "digest-only"
        case tagOnly = "tag-only"
    }

    /// One validated `[[registry.mirror]]` table.
    struct Mirror: Sendable {
        var location: String
        var insecure: Bool
        var pullFrom: PullFrom
    }

    /// 1-based position in the file, for messages.
    var number: Int
    /// `host[:port][/path]` (host lowercased, no trailing slash), or `*.domain` when ``isWildcard``.
    var prefix: String
    /// True for a `*.example.com` prefix, which matches any subdomain of `example.com`.
    var isWildcard: Bool
    /// Where the prefix lives; nil means the reference's own location (always nil for wildcards).
    var location: String?
    var insecure: Bool
    var blocked: Bool
    var mirrorByDigestOnly: Bool
    var mirrors: [Mirror]

    /// How this rule names itself in messages: `[[registry]] #2 (prefix "example.com/foo")`.
    var label: String { "[[registry]] #\(number) (prefix \"\(prefix)\")" }

    /// The length of the match of this rule for `name` (`host/repository`, host lowercased), or nil.
    func matchLength(name: String, host: String) -> Int? {
        if isWildcard {
            let suffix = String(prefix.dropFirst())  // ".example.com"
            let hostname = RegistryHost.hostname(host)
            return hostname.hasSuffix(suffix) && hostname.count > suffix.count ? prefix.count : nil
        }
        if name == prefix || name.hasPrefix(prefix + "/") { return prefix.count }
        return nil
    }
}
