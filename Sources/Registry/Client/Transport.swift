import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The one place every registry request goes through: it attaches credentials, answers 401 challenges, retries
/// temporary failures with backoff, and turns every failure into a ``RegistryError``.
///
/// Credentials go only to the endpoint's own origin; AsyncHTTPClient removes `Authorization` when a redirect leaves
/// that origin (e.g. a blob GET redirected to signed storage).
final class Transport: Sendable {
    let httpClient: HTTPClient
    let authenticator: Authenticator
    let retryPolicy: RetryPolicy
    let timeouts: RegistryTimeouts
    let logger: Logger
    /// `Warning: 299` texts already logged, so each is shown once per client.
    let warnings = RegistryWarnings()

    /// How much of an error body is read to decode `errors[]`.
    static let errorBodyLimit = 64 * 1024
    /// How many 401s one request may answer: the first teaches the endpoint's scheme (or replaces an expired
    /// token), a second may widen the token scope (`insufficient_scope`). A third is reported.
    static let maxChallengeAnswers = 2

    init(
        httpClient: HTTPClient, authenticator: Authenticator, retryPolicy: RetryPolicy,
        timeouts: RegistryTimeouts = .default, logger: Logger
    ) {
        self.httpClient = httpClient
        self.authenticator = authenticator
        self.retryPolicy = retryPolicy
        self.timeouts = timeouts
        self.logger = logger
    }

    /// Sends `request` and hands a response whose status is in `accepted` to `handle`, which must consume the body.
    ///
    /// The request goes out directly — there is no `/v2/` ping — with whatever the ``Authenticator`` already
    /// knows for the endpoint (Basic credentials, a cached token, or nothing yet). Any status not in `accepted`
    /// becomes ``RegistryError/http(method:url:status:body:hint:)``. A 401 from the endpoint is answered from its
    /// own `WWW-Authenticate` through the ``Authenticator`` (Basic credentials, a token, a fresh token, a wider
    /// scope) and the same request is sent again, at most ``maxChallengeAnswers`` times. Temporary
    /// failures — including ones thrown by `handle` while it streams the body, and stalls (``RegistryTimeouts``)
    /// — repeat the whole exchange per ``RetryPolicy``, re-creating the request body and honouring `Retry-After`.
    func execute<T: Sendable>(
        _ request: RegistryRequest, accepted: Set<Int>,
        handle: @escaping @Sendable (HTTPClientResponse) async throws -> T
    ) async throws(RegistryError) -> T {
        var scopes = request.scopes
        var attempt = 0
        var waited: Duration = .zero
        var answeredChallenges = 0
        let sendsCredentials = request.endpoint.map { Self.sameOrigin(request.url, $0.baseURL) } ?? false
        while true {
            attempt += 1
            var authorization: Authorization? = nil
            if sendsCredentials, let endpoint = request.endpoint {
                authorization = try await authenticator.authorization(for: endpoint, scopes: scopes, using: self)
            }
            let outcome = await attemptOnce(request, authorization: authorization, accepted: accepted, handle: handle)
            switch outcome {
            case .done(let value):
                return value
            case .unauthorized(let challenges, let error):
                guard sendsCredentials, let endpoint = request.endpoint else { throw error }
                guard answeredChallenges < Self.maxChallengeAnswers else {
                    throw await authenticator.explain(
                        error, challenges: challenges, sent: authorization, endpoint: endpoint)
                }
                scopes = try await authenticator.recover(
                    from: challenges, error: error, sent: authorization, endpoint: endpoint, scopes: scopes)
                answeredChallenges += 1
                attempt -= 1  // answering a challenge is not a failed attempt
            case .failed(let error):
                guard request.retries, error.isTemporary,
                    let delay = retryPolicy.delay(afterAttempt: attempt, waited: waited, retryAfter: error.retryAfter)
                else { throw error }
                logger.debug(
                    "retrying after temporary failure",
                    metadata: ["attempt": "\(attempt)", "delay": "\(delay)", "error": "\(error)"])
                try await Self.sleep(delay, method: request.method.rawValue, url: request.url)
                waited += delay
            }
        }
    }

    /// Sends `request` and returns the whole response body (at most `limit` bytes) for a status in `accepted`.
    func fetch(
        _ request: RegistryRequest, accepted: Set<Int>, limit: Int = 8 * 1024 * 1024
    ) async throws(RegistryError) -> BufferedResponse {
        let method = request.method.rawValue
        return try await execute(request, accepted: accepted) { response in
            let url = response.url?.absoluteString ?? request.url
            var body = Data()
            if request.method != .HEAD {
                do {
                    body = Data(try await response.body.collect(upTo: limit).readableBytesView)
                } catch is NIOTooManyBytesError {
                    throw RegistryError.invalidResponse(
                        method: method, url: url, status: Int(response.status.code),
                        reason: "response body is larger than \(limit) bytes; refusing to read it into memory")
                }
            }
            return BufferedResponse(
                status: Int(response.status.code), headers: response.headers, body: body, url: url)
        }
    }

    /// The result of one try.
    private enum Outcome<T: Sendable>: Sendable {
        case done(T)
        case unauthorized(challenges: [String], error: RegistryError)
        case failed(RegistryError)
    }

    private func attemptOnce<T: Sendable>(
        _ request: RegistryRequest, authorization: Authorization?, accepted: Set<Int>,
        handle: @escaping @Sendable (HTTPClientResponse) async throws -> T
    ) async -> Outcome<T> {
        let method = request.method.rawValue
        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = request.method
        httpRequest.headers = request.headers
        httpRequest.headers.replaceOrAdd(name: "User-Agent", value: Self.userAgent)
        if let authorization {
            httpRequest.headers.replaceOrAdd(name: "Authorization", value: authorization.header)
        }
        let hasBody = request.body != nil
        do {
            guard let body = request.body ?? (request.method == .POST || request.method == .PUT ? .data(Data()) : nil)
            else {
                return try await exchange(httpRequest, request, watch: nil, accepted: accepted, handle: handle)
            }
            // AsyncHTTPClient's read timeout only starts once the whole body is sent, and its write timeout pauses
            // while the server does not read: a watch over the body's progress catches a registry that stalls.
            let watch = UploadWatch(idle: timeouts.idle)
            let prepared = httpRequest
            return try await watch.run(method: method, url: request.url) {
                try await body.withHTTPBody(watch: watch) { httpBody in
                    var withBody = prepared
                    withBody.body = httpBody
                    return try await self.exchange(withBody, request, watch: watch, accepted: accepted, handle: handle)
                }
            }
        } catch let error as RegistryError {
            return .failed(error)
        } catch {
            return .failed(
                Self.classify(
                    error, method: method, url: request.url, idle: timeouts.idle,
                    total: hasBody ? timeouts.upload : timeouts.request))
        }
    }

    /// Sends one prepared request and sorts the answer into an ``Outcome``.
    private func exchange<T: Sendable>(
        _ httpRequest: HTTPClientRequest, _ request: RegistryRequest, watch: UploadWatch?, accepted: Set<Int>,
        handle: (HTTPClientResponse) async throws -> T
    ) async throws -> Outcome<T> {
        let method = request.method.rawValue
        let timeout = request.body == nil ? timeouts.request : timeouts.upload
        let response = try await httpClient.execute(
            httpRequest, timeout: .nanoseconds(Self.nanoseconds(timeout)), logger: logger)
        // From here on AsyncHTTPClient's read timeout (the idle timeout, see RegistryClient.httpConfiguration)
        // watches the response.
        watch?.finish()
        let status = Int(response.status.code)
        logger.debug(
            "registry request",
            metadata: ["method": "\(method)", "url": "\(Redaction.url(request.url))", "status": "\(status)"])
        warnings.report(response.headers["Warning"], url: request.url, logger: logger)
        if accepted.contains(status) {
            return .done(try await handle(response))
        }
        var errorBody: Data? = nil
        if request.method != .HEAD, let buffer = try? await response.body.collect(upTo: Self.errorBodyLimit) {
            errorBody = Data(buffer.readableBytesView)
        }
        var error = RegistryError.http(method: method, url: request.url, status: status, body: errorBody)
        if status == 401 {
            return .unauthorized(challenges: response.headers["WWW-Authenticate"], error: error)
        }
        error.retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryPolicy.parseRetryAfter($0) }
        return .failed(error)
    }

    /// `duration` in whole nanoseconds, saturated to what `TimeAmount` holds.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).overflow
            ? .max : product + attoseconds / 1_000_000_000
    }

    /// `imagespec/<version>` plus the platform, sent with every request.
    static let userAgent = "imagespec/0.1 (swift; async-http-client)"

    /// True when `url` has the scheme, host and port of `baseURL`.
    static func sameOrigin(_ url: String, _ baseURL: String) -> Bool {
        guard let a = RegistryURL.origin(url), let b = RegistryURL.origin(baseURL) else { return false }
        return a == b
    }

    /// Waits `delay`; cancellation ends the wait with a ``RegistryError/Kind/cancelled`` error.
    static func sleep(_ delay: Duration, method: String, url: String) async throws(RegistryError) {
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw RegistryError.cancelled(method: method, url: url)
        }
    }
}

extension Transport {
    /// Runs a multi-request `operation` (an upload session) and repeats it as a whole on temporary failures, per
    /// the same ``RetryPolicy`` single requests use (one budget for the whole session, `Retry-After` of the failed
    /// request honoured). Requests inside should have ``RegistryRequest/retries`` off.
    func withRetries<T: Sendable>(_ operation: () async throws(RegistryError) -> T) async throws(RegistryError) -> T {
        var attempt = 0
        var waited: Duration = .zero
        while true {
            attempt += 1
            do throws(RegistryError) {
                return try await operation()
            } catch {
                guard error.isTemporary,
                    let delay = retryPolicy.delay(afterAttempt: attempt, waited: waited, retryAfter: error.retryAfter)
                else {
                    throw error
                }
                logger.debug(
                    "restarting after temporary failure",
                    metadata: ["attempt": "\(attempt)", "delay": "\(delay)", "error": "\(error)"])
                try await Self.sleep(delay, method: error.method ?? "", url: error.url ?? "")
                waited += delay
            }
        }
    }
}
