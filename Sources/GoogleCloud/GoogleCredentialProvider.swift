import AsyncHTTPClient
import Foundation
import Logging
import Registry

/// Credentials for Google registry hosts (`*-docker.pkg.dev`, `docker.*.rep.pkg.dev`, `gcr.io`, `*.gcr.io`) without
/// Docker or gcloud.
///
/// For a Google host: first the docker config (the inner provider: `gcloud auth configure-docker HOST`'s
/// `credHelpers` → `docker-credential-gcloud`, stored `_json_key` / `_json_key_base64` / `oauth2accesstoken` entries
/// pass through as they are); when that has nothing, Application Default Credentials, sent as
/// `.basic(username: "oauth2accesstoken", password: <access token>)`. Every other host goes to the inner provider
/// unchanged. Access tokens are cached by ``AccessTokenProvider`` until shortly before they expire.
public struct GoogleCredentialProvider: CredentialProvider {
    /// The docker-config provider consulted first (and alone, for non-Google hosts).
    public let inner: any CredentialProvider
    /// Hosts treated as Google besides the Google names, e.g. where registries.conf sends a GAR prefix.
    public let additionalHosts: Set<String>
    private let environment: [String: String]
    private let tokens: TokenSource
    private let logger: Logger

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - environment: where the docker config, `GOOGLE_APPLICATION_CREDENTIALS`, `CLOUDSDK_CONFIG`,
    ///     `GCE_METADATA_HOST` and `HOME` come from.
    ///   - inner: the docker config provider; default `DockerConfigCredentials(environment:)`.
    ///   - additionalHosts: more `host[:port]`s to treat as Google (e.g. a registries.conf `location` of a GAR prefix).
    ///   - httpClient: for token requests.
    ///   - metadataTimeout: bound for the metadata server.
    ///   - tokenURIOverride: replaces the token endpoint of `authorized_user` files (tests).
    ///   - logger: one debug line per decision; never a secret.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, inner: (any CredentialProvider)? = nil,
        additionalHosts: Set<String> = [], httpClient: HTTPClient = RegistryClient.sharedHTTPClient,
        metadataTimeout: Duration = .seconds(3), tokenURIOverride: String? = nil,
        logger: Logger = Logger(label: "imagespec.google")
    ) {
        self.environment = environment
        self.inner = inner ?? DockerConfigCredentials(environment: environment)
        self.additionalHosts = Set(additionalHosts.map { $0.lowercased() })
        self.tokens = TokenSource(
            environment: environment, httpClient: httpClient, metadataTimeout: metadataTimeout,
            tokenURIOverride: tokenURIOverride, logger: logger)
        self.logger = logger
    }

    /// True when `host` is served by Google (or listed in ``additionalHosts``).
    public func isGoogle(_ host: String) -> Bool {
        ArtifactRegistryHost.isGoogleHost(host) || additionalHosts.contains(host.lowercased())
    }

    /// The credential for `host`: docker config first, then (Google hosts only) an ADC access token.
    ///
    /// - Throws: ``RegistryError`` of kind `credentials` when the docker config is broken and ADC cannot stand in,
    ///   or ADC is configured but fails (revoked login, malformed key, unreachable `GCE_METADATA_HOST`).
    public func credential(for host: String) async throws(RegistryError) -> Credential? {
        guard isGoogle(host) else { return try await inner.credential(for: host) }
        var innerError: RegistryError?
        do throws(RegistryError) {
            if let credential = try await inner.credential(for: host) {
                logger.debug("docker config has credentials for Google host", metadata: ["host": "\(host)"])
                return credential
            }
        } catch {
            innerError = error
        }
        do throws(GoogleCloudError) {
            guard let token = try await tokens.accessToken(allowAnonymous: innerError == nil) else {
                logger.debug("no Google credentials: anonymous", metadata: ["host": "\(host)"])
                return nil
            }
            if let innerError {
                logger.warning(
                    "docker config credentials failed, using Application Default Credentials",
                    metadata: ["host": "\(host)", "error": "\(innerError)"])
            }
            return .basic(username: "oauth2accesstoken", password: token.value)
        } catch {
            throw innerError ?? error.registryError
        }
    }

    /// Which source answers for `host`, checked by getting a credential (the token is not shown).
    ///
    /// - Throws: ``RegistryError`` when the source that should answer fails.
    public func whoami(host: String) async throws(RegistryError) -> GoogleCredentialSource {
        let credential = try await self.credential(for: host)
        let docker = DockerConfigCredentials(environment: environment)
        let dockerSource = DockerConfigSource.lookup(host: host, configPath: docker.configPath)
        if !isGoogle(host) {
            return credential == nil ? .anonymous : (dockerSource ?? .notGoogle)
        }
        guard let credential else { return .anonymous }
        if case .basic(let username, let password) = credential, username == "oauth2accesstoken",
            let token = await tokens.cachedValue(), token == password
        {
            return await tokens.source()
        }
        return dockerSource ?? .dockerConfigEntry(username: credential.username, configFile: docker.configPath)
    }
}

/// The ADC token provider, made once on first use (finding the ADC reads files).
actor TokenSource {
    private let environment: [String: String]
    private let httpClient: HTTPClient
    private let metadataTimeout: Duration
    private let tokenURIOverride: String?
    private let logger: Logger
    private var provider: AccessTokenProvider?

    init(
        environment: [String: String], httpClient: HTTPClient, metadataTimeout: Duration, tokenURIOverride: String?,
        logger: Logger
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.metadataTimeout = metadataTimeout
        self.tokenURIOverride = tokenURIOverride
        self.logger = logger
    }

    private func resolved() throws(GoogleCloudError) -> AccessTokenProvider {
        if let provider { return provider }
        let credentials = try GoogleCredentials.find(environment: environment, tokenURIOverride: tokenURIOverride)
        let made = AccessTokenProvider(
            credentials: credentials, httpClient: httpClient, metadataTimeout: metadataTimeout, logger: logger)
        provider = made
        return made
    }

    /// A token; nil when only the implicit metadata server is left, it cannot be reached and `allowAnonymous`.
    func accessToken(allowAnonymous: Bool) async throws(GoogleCloudError) -> AccessToken? {
        let provider = try resolved()
        do {
            return try await provider.accessToken()
        } catch {
            if case .metadataServer(_, let explicit) = provider.credentials, !explicit, allowAnonymous {
                logger.debug("no metadata server: anonymous", metadata: ["error": "\(error)"])
                return nil
            }
            throw error
        }
    }

    func cachedValue() async -> String? {
        guard let provider else { return nil }
        return try? await provider.accessToken().value
    }

    func source() -> GoogleCredentialSource {
        switch provider?.credentials {
        case .serviceAccount(let key): .serviceAccount(email: key.clientEmail, keyFile: key.path)
        case .authorizedUser(let user): .authorizedUser(file: user.path)
        case .metadataServer(let host, _): .metadataServer(host: host)
        case nil: .anonymous
        }
    }
}
