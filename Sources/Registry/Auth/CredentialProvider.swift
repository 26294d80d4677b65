/// A source of registry credentials.
public protocol CredentialProvider: Sendable {
    /// The credentials for `host` (`host[:port]` as contacted, e.g. `ghcr.io`, `127.0.0.1:5000`,
    /// `registry-1.docker.io`), or nil to go anonymous.
    ///
    /// - Throws: ``RegistryError`` when a configured source is broken (corrupt file, missing or failing helper);
    ///   "no credentials for this host" is nil, not an error.
    func credential(for host: String) async throws(RegistryError) -> Credential?
}
