import Foundation
import Logging
import NIOHTTP1

/// Registry authentication state: how each endpoint authenticates (learned from the first 401 it answers, never
/// from a separate `/v2/` ping), the credentials per host, and the bearer tokens per host and scope set.
///
/// A request to an endpoint whose scheme is not known yet goes out without credentials — on a registry that needs
/// none it is the only request. Its 401 teaches the scheme: from then on a Basic endpoint gets `Authorization`
/// pre-emptively, a Bearer endpoint a token from the cache (or from the token endpoint, asked once per scope set
/// even by concurrent requests). The ``Transport`` answers a 401 with
/// ``recover(from:error:sent:endpoint:scopes:)``: learn the scheme, fetch a fresh token when a cached one was
/// rejected, or widen the scope an `error="insufficient_scope"` challenge names.
actor Authenticator {
    /// How an endpoint wants to be authenticated.
    enum Scheme: Sendable, Equatable {
        /// HTTP Basic on every request.
        case basic
        /// Bearer tokens from `realm` for `service`.
        case bearer(realm: String, service: String)
    }

    /// A cached credential lookup; `value == nil` means anonymous.
    private struct CachedCredential {
        let value: Credential?
    }

    private let credentials: any CredentialProvider
    private let logger: Logger
    /// Learned schemes by endpoint base URL; an endpoint without an entry is asked anonymously.
    private var schemes: [String: Scheme] = [:]
    private var credentialCache: [String: CachedCredential] = [:]
    private var tokens = TokenCache()
    /// Token requests in flight, by host, realm and scope set, shared by concurrent callers.
    private var pendingTokens: [String: Task<TokenFetcher.Fetched, any Error>] = [:]
    /// Token realms that answered the OAuth2 POST with 404/405: identity tokens go there with GET directly.
    private var realmsWithoutPost: Set<String> = []

    init(credentials: any CredentialProvider, logger: Logger) {
        self.credentials = credentials
        self.logger = logger
    }

    /// The `Authorization` value for a request to `endpoint` needing `scopes`, or nil to go anonymous (also when
    /// the endpoint's scheme is not known yet).
    func authorization(
        for endpoint: RegistryEndpoint, scopes: [String], using transport: Transport
    ) async throws(RegistryError) -> Authorization? {
        guard let scheme = schemes[endpoint.baseURL] else { return nil }
        switch scheme {
        case .basic:
            guard let header = try await credential(for: endpoint.host)?.basicAuthorization else { return nil }
            return Authorization(header: header, source: .basic, cached: true)
        case .bearer(let realm, let service):
            let credential = try await credential(for: endpoint.host)
            if case .registryToken(let token) = credential {
                return Authorization(header: "Bearer \(token)", source: .registryToken, cached: true)
            }
            if let token = tokens.token(host: endpoint.host, scopes: Set(scopes)) {
                return Authorization(header: "Bearer \(token)", source: .fetchedToken, token: token, cached: true)
            }
            let fetched: TokenFetcher.Fetched
            do {
                fetched = try await token(
                    realm: realm, service: service, scopes: scopes, credential: credential, endpoint: endpoint,
                    using: transport)
            } catch {
                // A cached credential may have expired since (an OAuth access token from a helper or Google ADC):
                // ask the provider once more, and retry only if it gives something else.
                guard error.isAuthenticationFailure, credential != nil else { throw error }
                credentialCache[endpoint.host] = nil
                let renewed = try await self.credential(for: endpoint.host)
                guard renewed != credential else { throw error }
                logger.debug("token endpoint refused a cached credential; retrying with a renewed one")
                fetched = try await token(
                    realm: realm, service: service, scopes: scopes, credential: renewed, endpoint: endpoint,
                    using: transport)
            }
            return Authorization(header: "Bearer \(fetched.token)", source: .fetchedToken, token: fetched.token)
        }
    }

    /// Decides how to answer a 401 carrying `challenges` (`WWW-Authenticate` values) and returns the scopes to
    /// retry with; throws when retrying cannot help (Basic credentials rejected, a fresh token rejected, the scope
    /// already requested and not granted, no credentials, unusable challenge).
    func recover(
        from challenges: [String], error: RegistryError, sent: Authorization?, endpoint: RegistryEndpoint,
        scopes: [String]
    ) async throws(RegistryError) -> [String] {
        guard let challenge = AuthChallenge.preferred(in: AuthChallenge.parse(headers: challenges)) else {
            throw error
        }
        switch challenge.scheme {
        case .basic:
            if sent?.source == .basic {
                throw await explain(error, challenges: challenges, sent: sent, endpoint: endpoint)
            }
            remember(.basic, for: endpoint)
            guard try await credential(for: endpoint.host)?.basicAuthorization != nil else {
                throw Self.rejection(error, hint: Self.noCredentialsHint(endpoint.host))
            }
            return scopes
        case .bearer:
            guard let realm = challenge.realm else {
                throw Self.rejection(error, hint: "\(endpoint.host) sent a Bearer challenge without a realm")
            }
            remember(.bearer(realm: realm, service: challenge.service ?? endpoint.host), for: endpoint)
            if sent?.source == .registryToken {
                throw Self.rejection(
                    error, hint: "\(endpoint.host) rejected the registry token from the docker config; log in again")
            }
            if let token = sent?.token {
                tokens.remove(token: token, host: endpoint.host)
            }
            if challenge.error == "insufficient_scope" {
                let widened = TokenScope.merge(scopes, challenge.scopes)
                if widened != scopes {
                    logger.debug("widening token scope", metadata: ["scopes": "\(widened.joined(separator: " "))"])
                    return widened
                }
                // The first challenge may name exactly our scope: a token for it has not been asked for yet.
                if sent == nil || sent?.source == .basic { return scopes }
                throw await explain(error, challenges: challenges, sent: sent, endpoint: endpoint)
            }
            // No token sent yet, or a cached one the server may have expired: one fresh token is worth a try.
            if let sent, sent.source == .fetchedToken, !sent.cached {
                throw await explain(error, challenges: challenges, sent: sent, endpoint: endpoint)
            }
            return scopes
        case .other(let name):
            throw Self.rejection(error, hint: "\(endpoint.host) asks for unsupported authentication scheme \(name)")
        }
    }

    /// Records how `endpoint` authenticates (a later challenge replaces an earlier one, e.g. a new realm).
    private func remember(_ scheme: Scheme, for endpoint: RegistryEndpoint) {
        if schemes[endpoint.baseURL] != scheme {
            logger.debug("learned authentication scheme", metadata: ["endpoint": "\(endpoint.baseURL)"])
            schemes[endpoint.baseURL] = scheme
        }
    }

    /// A token for `scopes` from the token endpoint, stored in the cache; concurrent callers asking for the same
    /// scope set share one request.
    private func token(
        realm: String, service: String, scopes: [String], credential: Credential?, endpoint: RegistryEndpoint,
        using transport: Transport
    ) async throws(RegistryError) -> TokenFetcher.Fetched {
        let key = ([endpoint.host, realm, service] + scopes).joined(separator: " ")
        let task: Task<TokenFetcher.Fetched, any Error>
        if let pending = pendingTokens[key] {
            task = pending
        } else {
            let usePost = !realmsWithoutPost.contains(realm)
            task = Task {
                try await TokenFetcher.fetch(
                    realm: realm, service: service, scopes: scopes, credential: credential, endpoint: endpoint,
                    usePost: usePost, using: transport)
            }
            pendingTokens[key] = task
        }
        let result = await task.result
        if pendingTokens[key] == task {
            pendingTokens[key] = nil
            if case .success(let fetched) = result {
                if fetched.refusedPost { realmsWithoutPost.insert(realm) }
                tokens.store(token: fetched.token, host: endpoint.host, scopes: Set(scopes), lifetime: fetched.lifetime)
            }
        }
        switch result {
        case .success(let fetched):
            return fetched
        case .failure(let error):
            throw Transport.classify(error, method: "GET", url: Redaction.url(realm))
        }
    }

    /// Forgets every cached bearer token and credential (after permissions changed, e.g. a repository was just
    /// created), so the next request asks the provider and the token endpoint again.
    func forgetCachedAuthentication() {
        tokens = TokenCache()
        credentialCache = [:]
    }

    /// The credential for `host`, asked from the provider once per host.
    func credential(for host: String) async throws(RegistryError) -> Credential? {
        if let cached = credentialCache[host] { return cached.value }
        let value = try await credentials.credential(for: host)
        if let value { Redaction.register(value) }
        credentialCache[host] = CachedCredential(value: value)
        return value
    }
}
