import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import OCI
import Synchronization

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
    ///   - httpClient: the AsyncHTTPClient to use; nil (the default) uses ``sharedHTTPClient``, or for another
    ///     idle timeout ``sharedHTTPClient(idleTimeout:)``. The caller owns any client it passes and shuts it down
    ///     after the last request; its read timeout then applies as well.
    ///   - retryPolicy: how temporary failures are retried.
    ///   - timeouts: the idle (no progress) and total timeouts of each request.
    ///   - logger: receives one debug line per request (method, redacted URL, status); never credentials.
    public init(
        credentials: any CredentialProvider = DockerConfigCredentials(),
        configuration: RegistriesConfiguration,
        httpClient: HTTPClient? = nil,
        retryPolicy: RetryPolicy = .default,
        timeouts: RegistryTimeouts = .default,
        logger: Logger = Logger(label: "imagespec.registry")
    ) {
        self.configuration = configuration
        self.logger = logger
        self.transport = Transport(
            httpClient: httpClient ?? Self.sharedHTTPClient(idleTimeout: timeouts.idle),
            authenticator: Authenticator(credentials: credentials, logger: logger),
            retryPolicy: retryPolicy, timeouts: timeouts, logger: logger)
    }

    /// The AsyncHTTPClient configuration registries need.
    ///
    /// Compared with `HTTPClient.shared`: a connection that is refused fails at once instead of being retried for the
    /// whole connect timeout (so a registry that is down is reported in milliseconds, and the client's own
    /// ``RetryPolicy`` decides), no transparent decompression (bytes are hashed exactly as served), and redirects
    /// are followed — AsyncHTTPClient drops `Authorization` when a redirect leaves the origin. Its read timeout is
    /// the default idle timeout (``RegistryTimeouts/idle``, 30 s): no byte of an answer for that long fails the try.
    public static var httpConfiguration: HTTPClient.Configuration {
        httpConfiguration(idleTimeout: RegistryTimeouts.default.idle)
    }

    /// ``httpConfiguration`` with `idleTimeout` as the read timeout (none for `.zero` or less).
    public static func httpConfiguration(idleTimeout: Duration) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        pool.retryConnectionEstablishment = false
        let read: TimeAmount? = idleTimeout > .zero ? .nanoseconds(Transport.nanoseconds(idleTimeout)) : nil
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 10, allowCycles: false),
            timeout: .init(connect: .seconds(15), read: read),
            connectionPool: pool,
            decompression: .disabled)
        configuration.httpVersion = .automatic
        return configuration
    }

    /// A process-wide client with ``httpConfiguration``. Like `HTTPClient.shared` it lives as long as the process
    /// and must never be shut down.
    public static let sharedHTTPClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)

    /// A process-wide client whose read timeout is `idleTimeout`: ``sharedHTTPClient`` for the default, else one
    /// made on first use per value and kept (never shut down) for the life of the process.
    public static func sharedHTTPClient(idleTimeout: Duration) -> HTTPClient {
        if idleTimeout == RegistryTimeouts.default.idle { return sharedHTTPClient }
        return idleClients.withLock { clients in
            if let client = clients[idleTimeout] { return client }
            let client = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: httpConfiguration(idleTimeout: idleTimeout))
            clients[idleTimeout] = client
            return client
        }
    }

    private static let idleClients = Mutex<[Duration: HTTPClient]>([:])

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
