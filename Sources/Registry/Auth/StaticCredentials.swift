/// Fixed credentials per host, e.g. from command-line flags or tests. Hosts are compared case-insensitively, and
/// the Docker Hub names (`docker.io`, `index.docker.io`, `registry-1.docker.io`) are one host.
public struct StaticCredentials: CredentialProvider {
    private let byHost: [String: Credential]

    /// Credentials keyed by `host[:port]`.
    public init(_ byHost: [String: Credential]) {
        var normalised: [String: Credential] = [:]
        for (host, credential) in byHost {
            normalised[DockerConfigCredentials.canonicalHost(host)] = credential
            Redaction.register(credential)
        }
        self.byHost = normalised
    }

    /// No credentials at all: every request is anonymous.
    public static let anonymous = StaticCredentials([:])

    /// The credential for `host`, or nil.
    public func credential(for host: String) async throws(RegistryError) -> Credential? {
        byHost[DockerConfigCredentials.canonicalHost(host)]
    }
}
