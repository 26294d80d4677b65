import AsyncHTTPClient
import Foundation
import Logging
import OCI
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
    let tokens: TokenSource
    let logger: Logger

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

    /// The hosts that registries.conf sends Google references to (e.g. a mirror or a loopback emulator for
    /// `us-east1-docker.pkg.dev`), to pass as `additionalHosts`: the primary endpoint host of each reference whose
    /// registry is a Google host but whose endpoint is not.
    public static func mappedGoogleHosts(
        for references: [Reference], configuration: RegistriesConfiguration
    ) -> Set<String> {
        var hosts: Set<String> = []
        for reference in references where ArtifactRegistryHost.isGoogleHost(reference.registry) {
            guard let resolved = try? configuration.resolve(reference) else { continue }
            for endpoint in resolved.pullSources + [resolved.primary]
            where !ArtifactRegistryHost.isGoogleHost(endpoint.host) {
                hosts.insert(endpoint.host.lowercased())
            }
        }
        return hosts
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
