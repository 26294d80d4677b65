import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import OCI

/// A client for OCI distribution registries (Docker Hub, GHCR, GAR, ECR, `docker-registry` …): manifests, tags,
/// blob download and upload, cross-repository mounts.
///
/// Endpoints come from ``RegistriesConfiguration``: pulls try the mirrors first and fall back to the next source on
/// network errors and 404s; pushes go to the primary location only. Every request passes through one transport
/// that authenticates (Basic or Bearer tokens from ``CredentialProvider``), retries temporary failures per
/// ``RetryPolicy`` and reports failures as one-line ``RegistryError``s without secrets.
///
/// Digests are always verified: manifests against the reference digest and `Docker-Content-Digest`, blobs while
/// they are read.
public final class RegistryClient: Sendable {
    /// Where references resolve to.
    public let configuration: RegistriesConfiguration
    let transport: Transport
    let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - credentials: where credentials come from; defaults to the docker `config.json`.
    ///   - configuration: `registries.conf` rules (mirrors, rewrites, insecure and blocked registries).
    ///   - httpClient: the AsyncHTTPClient to use; the default is ``sharedHTTPClient``. The caller owns any other
    ///     client it passes and shuts it down after the last request.
    ///   - retryPolicy: how temporary failures are retried.
    ///   - logger: receives one debug line per request (method, redacted URL, status); never credentials.
    public init(
        credentials: any CredentialProvider = DockerConfigCredentials(),
        configuration: RegistriesConfiguration,
        httpClient: HTTPClient = RegistryClient.sharedHTTPClient,
        retryPolicy: RetryPolicy = .default,
        logger: Logger = Logger(label: "imagespec.registry")
    ) {
        self.configuration = configuration
        self.logger = logger
        self.transport = Transport(
            httpClient: httpClient, authenticator: Authenticator(credentials: credentials, logger: logger),
            retryPolicy: retryPolicy, logger: logger)
    }

    /// The AsyncHTTPClient configuration registries need.
    ///
    /// Compared with `HTTPClient.shared`: a connection that is refused fails at once instead of being retried for the
    /// whole connect timeout (so a registry that is down is reported in milliseconds, and the client's own
    /// ``RetryPolicy`` decides), no transparent decompression (bytes are hashed exactly as served), and redirects
    /// are followed — AsyncHTTPClient drops `Authorization` when a redirect leaves the origin.
    public static var httpConfiguration: HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 10, allowCycles: false),
            timeout: .init(connect: .seconds(15), read: .seconds(120)),
            connectionPool: pool,
            decompression: .disabled)
        configuration.httpVersion = .automatic
        return configuration
    }

    /// A process-wide client with ``httpConfiguration``. Like `HTTPClient.shared` it lives as long as the process
    /// and must never be shut down.
    public static let sharedHTTPClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)

    // MARK: - Endpoints and URLs

    /// The endpoints for `reference` per ``configuration``.
    func resolve(_ reference: Reference) throws(RegistryError) -> ResolvedRepository {
        try configuration.resolve(reference)
    }

    /// Runs `operation` against each pull source of `reference` in order and returns the first non-nil answer.
    ///
    /// A source that cannot be reached, or answers 404 (or nil), passes to the next source; the last source's
    /// answer or error is final. Other errors (authentication, digest mismatch …) end the search at once.
    func withPullSources<T: Sendable>(
        _ reference: Reference, _ operation: (RegistryEndpoint) async throws(RegistryError) -> T?
    ) async throws(RegistryError) -> T? {
        let sources = try resolve(reference).pullSources
        for (index, endpoint) in sources.enumerated() {
            let isLast = index == sources.count - 1
            do throws(RegistryError) {
                if let value = try await operation(endpoint) { return value }
                if isLast { return nil }
            } catch {
                let passes = error.kind == .network || error.kind == .timeout || error.status == 404
                guard passes, !isLast else { throw error }
                logger.debug(
                    "pull source failed, trying the next one",
                    metadata: ["source": "\(endpoint)", "error": "\(error)"])
            }
        }
        return nil
    }

    /// `https://host/v2/<repository>/<path>`.
    static func url(_ endpoint: RegistryEndpoint, _ path: String) -> String {
        "\(endpoint.baseURL)/v2/\(endpoint.repository)/\(path)"
    }

    /// Token scopes to read from `endpoint`'s repository.
    static func pullScopes(_ endpoint: RegistryEndpoint) -> [String] {
        [TokenScope.repository(endpoint.repository)]
    }

    /// Token scopes to write to `endpoint`'s repository.
    static func pushScopes(_ endpoint: RegistryEndpoint) -> [String] {
        [TokenScope.repository(endpoint.repository, push: true)]
    }

    /// Parses a `Docker-Content-Digest` header; nil when absent, an error when present but malformed.
    static func contentDigest(_ response: BufferedResponse, method: String) throws(RegistryError) -> Digest? {
        guard let value = response.header("Docker-Content-Digest") else { return nil }
        do {
            return try Digest(value)
        } catch {
            throw RegistryError.invalidResponse(
                method: method, url: response.url, status: response.status,
                reason: "malformed Docker-Content-Digest header: \(error)")
        }
    }
}
