extension Authenticator {
    /// `error` (a 401 that cannot be answered) with a fix that says why: the scope was not granted, the user name
    /// and password or the token were rejected, or no credentials are configured.
    func explain(
        _ error: RegistryError, challenges: [String], sent: Authorization?, endpoint: RegistryEndpoint
    ) async -> RegistryError {
        let host = endpoint.host
        let challenge = AuthChallenge.preferred(in: AuthChallenge.parse(headers: challenges))
        let hasCredential = ((try? await credential(for: host)) ?? nil) != nil
        if challenge?.error == "insufficient_scope" {
            let wanted = challenge?.scope ?? "this operation"
            let who = hasCredential ? "the credentials" : "anonymous access"
            return Self.rejection(
                error,
                hint: "\(who) for \(host) do not grant \(wanted); check that the repository exists and that you "
                    + "may access it (docker login \(host))")
        }
        switch sent?.source {
        case .basic?:
            return Self.rejection(
                error, hint: "\(host) rejected the user name and password; check `docker login \(host)`")
        case .fetchedToken?:
            let reason = challenge?.error.map { " (\($0))" } ?? ""
            return Self.rejection(
                error,
                hint: "\(host) rejected the token from its token endpoint\(reason); check the credentials for \(host)")
        case .registryToken?:
            return Self.rejection(
                error, hint: "\(host) rejected the registry token from the docker config; log in again")
        case nil:
            return hasCredential ? error : Self.rejection(error, hint: Self.noCredentialsHint(host))
        }
    }

    /// `error` with its fix replaced by `hint` (same method, URL, status and codes).
    static func rejection(_ error: RegistryError, hint: String) -> RegistryError {
        var what = error.errors.prefix(3).map(\.description).joined(separator: "; ")
        if what.isEmpty { what = RegistryError.reasonPhrase(error.status ?? 401) }
        return RegistryError(
            kind: .auth, message: "\(what) — \(hint)", method: error.method, url: error.url, status: error.status,
            errors: error.errors, isTemporary: false)
    }

    /// The fix for a registry that wants credentials when none are configured.
    static func noCredentialsHint(_ host: String) -> String {
        "\(host) requires authentication and no credentials were found for it; run `docker login \(host)` "
            + "or add it to the docker config.json"
    }
}
