import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Registry

/// Gets Google OAuth2 access tokens from ``GoogleCredentials`` and caches each until shortly before it expires.
///
/// - service account: RS256 JWT-bearer grant to the key's `token_uri`;
/// - authorized user: refresh-token grant to `https://oauth2.googleapis.com/token`;
/// - metadata server: `GET http://HOST/computeMetadata/v1/instance/service-accounts/default/token` with
///   `Metadata-Flavor: Google`, bounded by ``metadataTimeout``.
///
/// A token is reused until ``refreshMargin`` before its expiry; then one new request is made. A refused grant
/// (`invalid_grant`, 400/401) becomes one line that says the credentials are revoked or expired and how to fix it.
/// No token, key or secret appears in any error or log line.
public actor AccessTokenProvider {
    /// Where tokens come from.
    public nonisolated let credentials: GoogleCredentials
    /// How long the metadata server may take to answer.
    public nonisolated let metadataTimeout: Duration
    /// How long the token endpoint may take to answer.
    public nonisolated let requestTimeout: Duration
    /// How long before expiry a cached token is replaced.
    public nonisolated let refreshMargin: TimeInterval
    private let httpClient: HTTPClient
    private let logger: Logger
    private var cached: AccessToken?
    private var requestCount = 0
    private var inFlight: Task<Result<AccessToken, GoogleCloudError>, Never>?

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - credentials: the ADC source.
    ///   - httpClient: the client for token requests (the caller owns it; default: the registry's shared client).
    ///   - metadataTimeout: the bound for a metadata server that does not answer (default 3 s).
    ///   - requestTimeout: the bound for the token endpoint (default 30 s).
    ///   - refreshMargin: seconds before expiry a token counts as expired (default 60).
    ///   - logger: gets one debug line per token request, never a secret.
    public init(
        credentials: GoogleCredentials, httpClient: HTTPClient = RegistryClient.sharedHTTPClient,
        metadataTimeout: Duration = .seconds(3), requestTimeout: Duration = .seconds(30),
        refreshMargin: TimeInterval = 60, logger: Logger = Logger(label: "imagespec.google")
    ) {
        self.credentials = credentials
        self.httpClient = httpClient
        self.metadataTimeout = metadataTimeout
        self.requestTimeout = requestTimeout
        self.refreshMargin = refreshMargin
        self.logger = logger
    }

    /// How many token requests were made so far (to see the cache work).
    public var tokenRequests: Int { requestCount }

    /// A valid access token: the cached one, or a new one when it expires within ``refreshMargin``.
    ///
    /// - Throws: ``GoogleCloudError`` naming the source and the fix.
    public func accessToken() async throws(GoogleCloudError) -> AccessToken {
        if let cached, cached.expiresAt.timeIntervalSinceNow > refreshMargin {
            return cached
        }
        cached = nil
        // Callers arriving while a request is under way wait for it instead of sending their own.
        let task: Task<Result<AccessToken, GoogleCloudError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            task = Task {
                do throws(GoogleCloudError) {
                    return .success(try await self.fetch())
                } catch {
                    return .failure(error)
                }
            }
            inFlight = task
        }
        let result = await task.value
        if inFlight == task {
            inFlight = nil
            if case .success(let token) = result { cached = token }
        }
        return try result.get()
    }

    /// Forgets the cached token (e.g. after a registry refused it), so the next call fetches a new one.
    public func invalidate() {
        cached = nil
    }

    // MARK: - Grants

    private func fetch() async throws(GoogleCloudError) -> AccessToken {
        requestCount += 1
        switch credentials {
        case .serviceAccount(let key):
            let assertion = try key.assertion()
            Redaction.register(assertion)
            let form = Self.formEncode([
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion),
            ])
            return try await post(
                form, to: key.tokenURI, source: key.description,
                fix: "the key may be deleted or disabled: create a new key for \(key.clientEmail) and point "
                    + "GOOGLE_APPLICATION_CREDENTIALS at it")
        case .authorizedUser(let user):
            let form = Self.formEncode([
                ("grant_type", "refresh_token"), ("refresh_token", user.refreshToken),
                ("client_id", user.clientID), ("client_secret", user.clientSecret),
            ])
            return try await post(
                form, to: user.tokenURI, source: user.description,
                fix: "the login is revoked or expired: run `gcloud auth application-default login`")
        case .metadataServer(let host, _):
            return try await metadata(host: host)
        }
    }

    private func post(_ form: String, to url: String, source: String, fix: String) async throws(GoogleCloudError)
        -> AccessToken
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: form))
        logger.debug("requesting a Google access token", metadata: ["source": "\(source)", "url": "\(url)"])
        let (status, body) = try await send(request, timeout: requestTimeout, url: url, source: source)
        return try parseToken(status: status, body: body, url: url, source: source, fix: fix)
    }

    private func metadata(host: String) async throws(GoogleCloudError) -> AccessToken {
        let url = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token"
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Metadata-Flavor", value: "Google")
        logger.debug("requesting a Google access token", metadata: ["source": "metadata server", "url": "\(url)"])
        let (status, body) = try await send(
            request, timeout: metadataTimeout, url: url, source: "metadata server \(host)")
        return try parseToken(
            status: status, body: body, url: url, source: "metadata server \(host)",
            fix: "check the VM's or pod's service account and access scopes (cloud-platform)")
    }

    private func send(
        _ request: HTTPClientRequest, timeout: Duration, url: String, source: String
    ) async throws(GoogleCloudError) -> (Int, Data) {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let deadline = NIODeadline.now() + .nanoseconds(nanoseconds)
        do {
            let response = try await httpClient.execute(request, deadline: deadline)
            let buffer = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), Data(buffer.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw GoogleCloudError(
                "\(source): no answer from \(Redaction.url(url)) within \(Self.format(timeout)) — "
                    + (url.contains("/computeMetadata/")
                        ? "not on GCE/GKE? set GOOGLE_APPLICATION_CREDENTIALS or run "
                            + "`gcloud auth application-default login`"
                        : "check the network or proxy"))
        } catch {
            throw GoogleCloudError(
                "\(source): cannot reach \(Redaction.url(url)) (\(Self.describe(error))) — "
                    + (url.contains("/computeMetadata/")
                        ? "not on GCE/GKE? set GOOGLE_APPLICATION_CREDENTIALS or run "
                            + "`gcloud auth application-default login`"
                        : "check the network or proxy"))
        }
    }

    private func parseToken(
        status: Int, body: Data, url: String, source: String, fix: String
    ) throws(GoogleCloudError) -> AccessToken {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard status == 200 else {
            let code = object?["error"] as? String
            let detail = object?["error_description"] as? String
            let what = [code, detail].compactMap { $0 }.joined(separator: ": ")
            let said = what.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(what)"
            if code == "invalid_grant" || status == 401 || status == 400 {
                throw GoogleCloudError("\(source): Google refused the credentials (\(said)) — \(fix)")
            }
            throw GoogleCloudError("\(source): token request to \(Redaction.url(url)) failed (\(said)) — retry later")
        }
        guard let value = object?["access_token"] as? String, !value.isEmpty else {
            throw GoogleCloudError(
                "\(source): the answer of \(Redaction.url(url)) has no access_token — is it a Google token endpoint?")
        }
        Redaction.register(value)
        let expiresIn = (object?["expires_in"] as? NSNumber)?.doubleValue ?? 3600
        logger.debug("got a Google access token", metadata: ["source": "\(source)", "expires_in": "\(expiresIn)"])
        return AccessToken(value: value, expiresAt: Date().addingTimeInterval(expiresIn))
    }

    // MARK: - Helpers

    /// `application/x-www-form-urlencoded` with only unreserved characters left as they are.
    static func formEncode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { name, value in
            let encoded = value.unicodeScalars.map { scalar -> String in
                scalar.isASCII && allowed.contains(scalar)
                    ? String(scalar) : String(scalar).utf8.map { String(format: "%%%02X", $0) }.joined()
            }.joined()
            return "\(name)=\(encoded)"
        }.joined(separator: "&")
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("NXDOMAIN") || text.contains("lookup") || text.contains("resolve") { return "unknown host" }
        return Redaction.oneLine(text).prefix(120).description
    }
}
