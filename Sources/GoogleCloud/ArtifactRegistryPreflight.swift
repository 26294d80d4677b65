import Foundation
import Logging
import OCI
import Registry

/// The push-access check for Artifact Registry destinations, run before any build work: the portable probe (POST an
/// upload, DELETE it) and, when it fails, one line that names project, location and repository and says what to do.
///
/// Artifact Registry answers a push to a missing repository with `404 NAME_UNKNOWN: Repository "R" not found`
/// (when the caller may see the project), else with `403 DENIED: Permission
/// "artifactregistry.repositories.uploadArtifacts" denied on resource "projects/P/locations/L/repositories/R" (or it
/// may not exist)`, and anonymous callers get `Unauthenticated request`. The ambiguous `DENIED` is resolved with the
/// Artifact Registry API when our token may read the repository (404: missing, 200: no permission). With
/// ``createRepository`` a missing repository is created through the API and the probe repeated.
public struct ArtifactRegistryPreflight: Sendable {
    /// What the failed registry operation needed from the repository.
    public enum Access: Sendable {
        /// Reading (manifest HEAD/GET, blob download): `artifactregistry.repositories.downloadArtifacts`.
        case pull
        /// Writing (upload, mount, manifest PUT): `artifactregistry.repositories.uploadArtifacts`.
        case push
    }

    /// Where registry and API credentials come from (also names the source in messages).
    public let credentials: GoogleCredentialProvider
    /// The Artifact Registry API root.
    public let apiBaseURL: String
    /// Create a missing repository instead of failing.
    public let createRepository: Bool
    /// The description a created repository gets.
    public let repositoryDescription: String?
    /// Bound for waiting on a repository creation.
    public let operationTimeout: Duration
    /// Whether the running command has `--create-repository` (build): the fix for a missing repository names the
    /// flag; otherwise it names `imagespec gar create-repository`.
    public let offersCreateFlag: Bool
    private let logger: Logger

    /// Creates the check.
    ///
    /// - Parameters:
    ///   - credentials: the provider the registry client uses.
    ///   - apiBaseURL: the Artifact Registry API root (see ``ArtifactRegistryAPI/baseURL(environment:)``).
    ///   - createRepository: create a missing repository (`--create-repository`).
    ///   - repositoryDescription: description of a created repository.
    ///   - operationTimeout: bound for waiting on a creation.
    ///   - offersCreateFlag: the command has `--create-repository` (build); false for `exists`, `copy` …
    public init(
        credentials: GoogleCredentialProvider, apiBaseURL: String = ArtifactRegistryAPI.defaultBaseURL,
        createRepository: Bool = false, repositoryDescription: String? = nil, operationTimeout: Duration = .seconds(60),
        offersCreateFlag: Bool = true, logger: Logger = Logger(label: "imagespec.google")
    ) {
        self.credentials = credentials
        self.apiBaseURL = apiBaseURL
        self.createRepository = createRepository
        self.repositoryDescription = repositoryDescription
        self.operationTimeout = operationTimeout
        self.offersCreateFlag = offersCreateFlag
        self.logger = logger
    }

    /// An API client whose tokens come from ADC, else from the docker credentials of `hosts`.
    func api(hosts: [String]) -> ArtifactRegistryAPI {
        let credentials = self.credentials
        return ArtifactRegistryAPI(
            baseURL: apiBaseURL,
            accessToken: { () async throws(GoogleCloudError) -> String in
                try await credentials.apiAccessToken(hosts: hosts)
            }, operationTimeout: operationTimeout, logger: logger)
    }

    /// Checks that `reference` accepts a push through `client`.
    ///
    /// - Throws: for an Artifact Registry reference, a ``GoogleCloudError`` (one line: project, location,
    ///   repository, cause and fix); for other registries the probe's ``RegistryError`` as it is.
    public func check(_ reference: Reference, client: RegistryClient) async throws {
        guard let path = try ArtifactRegistryPath(reference) else {
            try await client.checkPushAccess(to: reference)
            return
        }
        let endpointHost = Self.endpointHost(of: reference, path: path, client: client)
        let api = api(hosts: Self.hosts(path: path, endpointHost: endpointHost))
        do {
            try await client.checkPushAccess(to: reference)
            return
        } catch {
            let diagnosis = await diagnose(error, path: path, endpointHost: endpointHost, api: api)
            guard createRepository, diagnosis.mayBeMissing else { throw diagnosis.error }
            let outcome = try await api.createRepository(path, description: repositoryDescription)
            logger.info(
                "Artifact Registry repository \(outcome == .created ? "created" : "exists already")",
                metadata: ["repository": "\(path.repositoryResourceName)"])
        }
        // Tokens fetched before the repository existed may not grant the push.
        await client.forgetCachedAuthentication()
        do {
            try await client.checkPushAccess(to: reference)
        } catch {
            throw await diagnose(error, path: path, endpointHost: endpointHost, api: api, afterCreation: true).error
        }
    }

    /// One line for a failed registry operation (`exists`, `copy`, a pull …) on an Artifact Registry reference,
    /// worded like ``check(_:client:)``'s: a missing repository (`NAME_UNKNOWN`, or `DENIED` where the Artifact
    /// Registry API says it is missing) with the command that creates it, a missing permission with the role to
    /// grant, missing credentials with the auth step.
    ///
    /// - Parameters:
    ///   - error: what the registry client threw.
    ///   - reference: the reference the failed request was about.
    ///   - access: what the request needed (``Access/pull`` for `exists` and copy sources, ``Access/push`` for copy
    ///     destinations).
    ///   - client: the client that made the request (its configuration maps the host).
    /// - Returns: nil when `reference` is not an Artifact Registry path, or `error` is not one of Artifact Registry's
    ///   repository, permission or authentication answers (network failures, 5xx, `MANIFEST_UNKNOWN` …): show the
    ///   registry error as it is then.
    public func explain(
        _ error: RegistryError, reference: Reference, access: Access, client: RegistryClient
    ) async -> GoogleCloudError? {
        guard let path = try? ArtifactRegistryPath(reference) else { return nil }
        guard error.codes.contains("NAME_UNKNOWN") || error.isAuthenticationFailure else { return nil }
        let endpointHost = Self.endpointHost(of: reference, path: path, client: client)
        let api = api(hosts: Self.hosts(path: path, endpointHost: endpointHost))
        return await diagnose(error, path: path, endpointHost: endpointHost, api: api, access: access).error
    }

    /// The host registries.conf sends `reference` to (its own host when not mapped).
    static func endpointHost(of reference: Reference, path: ArtifactRegistryPath, client: RegistryClient) -> String {
        (try? client.configuration.resolve(reference).primary.host) ?? path.host.name
    }

    /// The GAR host, then the endpoint host when it differs: where docker credentials for the API are looked up.
    static func hosts(path: ArtifactRegistryPath, endpointHost: String) -> [String] {
        [path.host.name, endpointHost].reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// What a failed probe means.
    struct Diagnosis {
        /// The one-line error to show.
        let error: GoogleCloudError
        /// Whether creating the repository may fix it.
        let mayBeMissing: Bool
    }

    /// Turns the probe's (or a `access` request's) `error` into one line about `path`.
    func diagnose(
        _ error: RegistryError, path: ArtifactRegistryPath, endpointHost: String, api: ArtifactRegistryAPI,
        access: Access = .push, afterCreation: Bool = false
    ) async -> Diagnosis {
        let where_ =
            "\(path.repositoryPath) (project \(path.project), location \(path.location), repository "
            + "\(path.repository))"
        let host = path.host.name
        let authFix =
            "run `gcloud auth configure-docker \(host)`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
            + "key (or run `gcloud auth application-default login`); `imagespec auth whoami \(host)` shows what is used"
        let createFix =
            "create it with `\(path.createRepositoryCommand)` or "
            + (offersCreateFlag
                ? "run the build again with --create-repository"
                : "`imagespec gar create-repository \(path.repositoryPath)`")
        let (verb, permission, role) =
            access == .push
            ? ("push to", "artifactregistry.repositories.uploadArtifacts", "roles/artifactregistry.writer")
            : ("pull from", "artifactregistry.repositories.downloadArtifacts", "roles/artifactregistry.reader")
        if error.kind == .credentials {
            return Diagnosis(error: GoogleCloudError("\(where_): \(error.message)"), mayBeMissing: false)
        }
        let source: GoogleCredentialSource
        do {
            source = try await credentials.whoami(host: endpointHost)
        } catch {
            return Diagnosis(error: GoogleCloudError("\(where_): \(error.message)"), mayBeMissing: false)
        }
        let said = ([error.message] + error.errors.map(\.message)).joined(separator: " ")
        let codes = Set(error.codes)
        let fromTokenEndpoint = !Self.isRepositoryRequest(error.url)
        if said.contains("Unauthenticated request") || source == .anonymous {
            return Diagnosis(
                error: GoogleCloudError("\(where_): no credentials were sent to \(host) — \(authFix)"),
                mayBeMissing: false)
        }
        if fromTokenEndpoint, error.status == 401 || error.status == 403 {
            return Diagnosis(
                error: GoogleCloudError(
                    "\(where_): \(host) refused the credentials of \(source) (HTTP \(error.status ?? 0)) — the token "
                        + "may be expired or revoked; \(authFix)"),
                mayBeMissing: false)
        }
        if codes.contains("NAME_UNKNOWN") {
            if afterCreation {
                return Diagnosis(
                    error: GoogleCloudError(
                        "\(where_): the registry still reports the repository as missing after it was created — wait "
                            + "a minute and run again"),
                    mayBeMissing: false)
            }
            return Diagnosis(
                error: GoogleCloudError(
                    "\(where_): the Artifact Registry repository \"\(path.repository)\" does not exist — \(createFix)"),
                mayBeMissing: true)
        }
        guard error.isAuthenticationFailure else {
            return Diagnosis(
                error: GoogleCloudError(
                    "\(where_): \(access == .push ? "push check" : "pull") failed: \(error.description)"),
                mayBeMissing: false)
        }
        // DENIED (or a registry's 401 insufficient_scope): missing repository or missing permission. Ask the API.
        let grant =
            "grant \(role) on it: `gcloud artifacts repositories add-iam-policy-binding "
            + "\(path.repository) --location=\(path.location) --project=\(path.project) --member=\(Self.member(source)) "
            + "--role=\(role)`"
        let lookup: ArtifactRegistryAPI.Lookup?
        do {
            lookup = try await api.repository(path)
        } catch {
            logger.debug("Artifact Registry API lookup failed", metadata: ["error": "\(error)"])
            lookup = nil
        }
        switch lookup {
        case .missing?:
            return Diagnosis(
                error: GoogleCloudError(
                    "\(where_): the Artifact Registry repository \"\(path.repository)\" does not exist (checked with "
                        + "the Artifact Registry API) — \(createFix)"),
                mayBeMissing: !afterCreation)
        case .exists?:
            return Diagnosis(
                error: GoogleCloudError(
                    "\(where_): the repository exists but \(source) may not \(verb) it (permission "
                        + "\(permission) denied) — \(grant)"),
                mayBeMissing: false)
        case .forbidden?, nil:
            return Diagnosis(
                error: GoogleCloudError(
                    "\(where_): \(access == .push ? "push" : "pull") denied to \(source) — the repository does not "
                        + "exist or the credentials lack \(role) (the Artifact Registry API could not tell which); "
                        + "\(createFix), or \(grant)"),
                mayBeMissing: !afterCreation)
        }
    }

    /// True for a request to a repository (`/v2/NAME/blobs|manifests|tags|referrers/…`); false for anything else,
    /// such as a token endpoint — GAR's own is `https://HOST/v2/token`, so "contains /v2/" is not enough.
    static func isRepositoryRequest(_ url: String?) -> Bool {
        guard let url, let path = URLComponents(string: url)?.path, path.hasPrefix("/v2/") else { return false }
        return ["/blobs/", "/manifests/", "/tags/", "/referrers/"].contains { path.dropFirst(3).contains($0) }
    }

    /// The IAM member for `source`: `serviceAccount:EMAIL`, else a placeholder to fill in.
    static func member(_ source: GoogleCredentialSource) -> String {
        if case .serviceAccount(let email, _) = source { return "serviceAccount:\(email)" }
        return "user:YOU@example.com"
    }
}
