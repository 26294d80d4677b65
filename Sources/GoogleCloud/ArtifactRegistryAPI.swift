import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Registry

/// A small client for the Artifact Registry REST API (v1): get a repository, create a Docker repository and wait
/// for the long-running operation.
///
/// - `GET {base}/v1/projects/P/locations/L/repositories/R` → the repository (200), missing (404), or no permission
///   (403);
/// - `POST {base}/v1/projects/P/locations/L/repositories?repositoryId=R` with
///   `{"format":"DOCKER","mode":"STANDARD_REPOSITORY","description":…}` → an operation, polled with
///   `GET {base}/v1/{operation.name}` until `done` (bounded by ``operationTimeout``); 409 `ALREADY_EXISTS` counts as
///   success.
///
/// Every request carries `Authorization: Bearer <access token>` from ``accessToken``. Errors are one-line
/// ``GoogleCloudError``s naming the repository and the fix; no token appears in any message or log line.
public struct ArtifactRegistryAPI: Sendable {
    /// Where the API is: `https://artifactregistry.googleapis.com/` unless overridden; always ends with `/`.
    public let baseURL: String
    /// How long a repository creation may take until it is reported as not finished.
    public let operationTimeout: Duration
    /// Pause between two polls of an operation (doubled after each poll, at most 2 s).
    public let pollInterval: Duration
    private let accessToken: @Sendable () async throws(GoogleCloudError) -> String
    private let httpClient: HTTPClient
    private let logger: Logger

    /// The public endpoint.
    public static let defaultBaseURL = "https://artifactregistry.googleapis.com/"
    /// gcloud's own override of the endpoint (`gcloud config set api_endpoint_overrides/artifactregistry URL`).
    public static let overrideVariable = "CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY"

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - baseURL: the API root (``baseURL(environment:)`` reads gcloud's override); a trailing `v1/` is dropped.
    ///   - accessToken: gives a Google OAuth2 access token with the cloud-platform scope.
    ///   - operationTimeout: bound for waiting on a creation (default 60 s).
    ///   - pollInterval: first pause between operation polls (default 0.5 s).
    public init(
        baseURL: String = ArtifactRegistryAPI.defaultBaseURL,
        accessToken: @escaping @Sendable () async throws(GoogleCloudError) -> String,
        httpClient: HTTPClient = RegistryClient.sharedHTTPClient, operationTimeout: Duration = .seconds(60),
        pollInterval: Duration = .milliseconds(500), logger: Logger = Logger(label: "imagespec.google")
    ) {
        self.baseURL = Self.normalize(baseURL)
        self.accessToken = accessToken
        self.httpClient = httpClient
        self.operationTimeout = operationTimeout
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// The API root for `environment`: `$CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY` (gcloud's override) when
    /// set, else ``defaultBaseURL``.
    public static func baseURL(environment: [String: String]) -> String {
        if let override = environment[overrideVariable]?.trimmingCharacters(in: .whitespaces), !override.isEmpty {
            return normalize(override)
        }
        return defaultBaseURL
    }

    /// `https://host/` or `https://host/prefix/`: a trailing `v1` (gcloud overrides are sometimes written with the
    /// version) is removed because every path here starts with `v1/`.
    static func normalize(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/v1") { text.removeLast(3) }
        return text + "/"
    }

    /// What ``repository(_:)`` found.
    public enum Lookup: Sendable, Equatable {
        /// The repository exists; its `format` and `mode` as the API reports them.
        case exists(format: String?, mode: String?)
        /// 404: there is no such repository.
        case missing
        /// 403: the API refused to say (the credentials lack `artifactregistry.repositories.get`); the API's message.
        case forbidden(String)
    }

    /// What ``createRepository(_:description:)`` did.
    public enum Creation: Sendable, Equatable {
        /// The repository was created now.
        case created
        /// It existed already (409 `ALREADY_EXISTS`).
        case alreadyExisted
    }

    /// Looks the repository of `path` up.
    ///
    /// - Throws: ``GoogleCloudError`` for an unreachable API, a refused token (401) or an unexpected answer.
    public func repository(_ path: ArtifactRegistryPath) async throws(GoogleCloudError) -> Lookup {
        let url = baseURL + "v1/" + path.repositoryResourceName
        let (status, body) = try await send(.GET, url: url, body: nil, what: "looking up \(path.repositoryPath)")
        switch status {
        case 200:
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            return .exists(format: object?["format"] as? String, mode: object?["mode"] as? String)
        case 404:
            return .missing
        case 403:
            return .forbidden(Self.errorMessage(body) ?? "permission denied")
        default:
            throw failure(status: status, body: body, doing: "looking up", path: path)
        }
    }

    /// Creates `path`'s repository as a standard Docker repository and waits until the operation is done.
    ///
    /// - Throws: ``GoogleCloudError`` naming the repository: no permission (with the role to ask for), an operation
    ///   that failed (its `error.message`) or did not finish within ``operationTimeout``, an unreachable API.
    @discardableResult
    public func createRepository(_ path: ArtifactRegistryPath, description: String? = nil)
        async throws(GoogleCloudError) -> Creation
    {
        let parent = "projects/\(path.project)/locations/\(path.location)"
        let url = baseURL + "v1/\(parent)/repositories?repositoryId=\(Self.queryEscape(path.repository))"
        var repository: [String: Any] = ["format": "DOCKER", "mode": "STANDARD_REPOSITORY"]
        if let description, !description.isEmpty { repository["description"] = description }
        let payload = (try? JSONSerialization.data(withJSONObject: repository, options: [.sortedKeys])) ?? Data()
        logger.debug(
            "creating Artifact Registry repository", metadata: ["repository": "\(path.repositoryResourceName)"])
        let (status, body) = try await send(
            .POST, url: url, body: payload, what: "creating \(path.repositoryPath)")
        switch status {
        case 200:
            break
        case 409:
            logger.debug("repository exists already", metadata: ["repository": "\(path.repositoryResourceName)"])
            return .alreadyExisted
        default:
            throw failure(status: status, body: body, doing: "creating", path: path)
        }
        var operation = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let clock = ContinuousClock()
        let deadline = clock.now + operationTimeout
        var pause = pollInterval
        while operation["done"] as? Bool != true {
            guard let name = operation["name"] as? String, !name.isEmpty else {
                throw GoogleCloudError(
                    "creating \(path.repositoryPath): the Artifact Registry API answered without an operation name — "
                        + "check \(Self.overrideVariable) points at the Artifact Registry API")
            }
            guard clock.now < deadline else {
                throw GoogleCloudError(
                    "creating \(path.repositoryPath): operation \(name) not done after "
                        + "\(AccessTokenProvider.format(operationTimeout)) — check it with `gcloud artifacts "
                        + "operations describe \((name as NSString).lastPathComponent) --location=\(path.location) "
                        + "--project=\(path.project)` and run again")
            }
            do {
                try await Task.sleep(for: pause)
            } catch {
                throw GoogleCloudError("creating \(path.repositoryPath): cancelled")
            }
            pause = min(pause * 2, .seconds(2))
            let (pollStatus, pollBody) = try await send(
                .GET, url: baseURL + "v1/" + name, body: nil, what: "waiting for \(path.repositoryPath)")
            guard pollStatus == 200 else {
                throw failure(status: pollStatus, body: pollBody, doing: "waiting for the creation of", path: path)
            }
            operation = (try? JSONSerialization.jsonObject(with: pollBody)) as? [String: Any] ?? [:]
        }
        if let error = operation["error"] as? [String: Any] {
            let message = (error["message"] as? String) ?? "code \(error["code"].map { "\($0)" } ?? "?")"
            // gRPC ALREADY_EXISTS (6): created concurrently by someone else.
            if (error["code"] as? NSNumber)?.intValue == 6 { return .alreadyExisted }
            throw GoogleCloudError(
                "creating \(path.repositoryPath) failed: \(message) — fix the cause and run again, or create it with "
                    + "`\(path.createRepositoryCommand)`")
        }
        logger.debug("repository created", metadata: ["repository": "\(path.repositoryResourceName)"])
        return .created
    }

    // MARK: - HTTP

    private func send(_ method: HTTPMethod, url: String, body: Data?, what: String)
        async throws(GoogleCloudError) -> (Int, Data)
    {
        let token = try await accessToken()
        Redaction.register(token)
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(30))
            let buffer = try await response.body.collect(upTo: 1 << 20)
            let status = Int(response.status.code)
            logger.debug(
                "Artifact Registry API request",
                metadata: ["method": "\(method.rawValue)", "url": "\(Redaction.url(url))", "status": "\(status)"])
            return (status, Data(buffer.readableBytesView))
        } catch {
            throw GoogleCloudError(
                "\(what): cannot reach the Artifact Registry API at \(Redaction.url(baseURL)) "
                    + "(\(AccessTokenProvider.describe(error))) — check the network or \(Self.overrideVariable)")
        }
    }

    private func failure(status: Int, body: Data, doing: String, path: ArtifactRegistryPath) -> GoogleCloudError {
        let said = Self.errorMessage(body).map { ": \($0)" } ?? ""
        let fix: String
        switch status {
        case 401:
            fix =
                "the access token was refused; run `gcloud auth application-default login` or set "
                + "GOOGLE_APPLICATION_CREDENTIALS to a service-account key"
        case 403:
            fix =
                doing == "creating"
                ? "creating repositories needs roles/artifactregistry.repoAdmin (or admin) on project \(path.project); "
                    + "ask an administrator to run `\(path.createRepositoryCommand)`"
                : "the credentials lack permission on \(path.repositoryResourceName)"
        case 400:
            fix = "check the project, location and repository names"
        default:
            fix = "retry later"
        }
        return GoogleCloudError(
            "\(doing) \(path.repositoryPath) (\(path.repositoryResourceName)): Artifact Registry API answered "
                + "HTTP \(status)\(said) — \(fix)")
    }

    /// `error.message` (and `error.status`) of a Google JSON error body.
    static func errorMessage(_ body: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        let message = error["message"] as? String
        let status = error["status"] as? String
        let parts = [status, message].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : Redaction.oneLine(parts.joined(separator: " "))
    }

    static func queryEscape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
