/// One place to talk to for a repository: a registry host and the repository path on it, after
/// `registries.conf` rewriting.
public struct RegistryEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `host[:port]` actually contacted (Docker Hub is `registry-1.docker.io`).
    public let host: String
    /// The repository path on ``host`` (`library/ubuntu`, `team/app`).
    public let repository: String
    /// True when `registries.conf` marks the location `insecure = true`: plain HTTP allowed, TLS not verified.
    public let insecure: Bool

    /// Creates an endpoint. `host` is lowercased.
    public init(host: String, repository: String, insecure: Bool = false) {
        self.host = host.lowercased()
        self.repository = repository
        self.insecure = insecure
    }

    /// True when ``host`` is a loopback address (`localhost`, `127.0.0.0/8`, `[::1]`), with or without a port.
    public var isLoopback: Bool { RegistryHost.isLoopback(host) }

    /// True when requests use TLS: not for loopback hosts (plain HTTP by default) nor insecure ones.
    public var usesTLS: Bool { !(insecure || isLoopback) }

    /// `https://host` (or `http://host` for loopback and insecure hosts), without a trailing slash.
    public var baseURL: String { (usesTLS ? "https://" : "http://") + host }

    /// `host/repository`.
    public var description: String { "\(host)/\(repository)" }
}
