import Foundation
import OCI
import Synchronization

/// An OCI distribution registry held in memory and served in-process (``FakeHTTPServer``) — **a fake, used only
/// where speed matters**: unit-level tests of the registry client, the copier and the builder's blob queue that
/// need a registry's real protocol but not a real registry's process, disk and start-up time. Tests of
/// interoperability keep using ``RegistryFixture`` (a real `docker-registry`).
///
/// It speaks the protocol the client uses: `GET /v2/`, blob `HEAD`/`GET`, upload sessions (`POST`, `PATCH`,
/// `PUT ?digest=`, `DELETE`, monolithic `POST ?digest=`), cross-repository mounts (`POST ?mount=&from=`, 201 when the
/// source repository has the blob, else 202 with a session), manifest `HEAD`/`GET`/`PUT` by tag or digest and
/// `tags/list`; digests are verified on upload and on manifest push by digest. No authentication.
///
/// ```swift
/// let registry = try await InMemoryRegistry.start()
/// defer { Task { await registry.shutdown() } }
/// let client = RegistryClient(credentials: StaticCredentials.anonymous, configuration: RegistriesConfiguration())
/// try await client.uploadBlob(Data("x".utf8), to: try Reference("\(registry.host)/a/b:1"))
/// #expect(registry.blob(Digest.sha256(Data("x".utf8)), in: "a/b") != nil)
/// ```
public final class InMemoryRegistry: Sendable {
    /// Behaviour switches for what a test wants to provoke.
    public struct Faults: Sendable {
        /// Answer every mount request with this status (e.g. 500) instead of mounting.
        public var mountStatus: Int?
        /// Refuse manifest pushes to these repositories with 403 `DENIED`.
        public var readOnlyRepositories: Set<String>

        /// No faults.
        public init(mountStatus: Int? = nil, readOnlyRepositories: Set<String> = []) {
            self.mountStatus = mountStatus
            self.readOnlyRepositories = readOnlyRepositories
        }
    }

    private struct Manifest: Sendable {
        let bytes: Data
        let mediaType: String
    }

    private struct State: Sendable {
        /// Blob bytes by digest (content-addressed, shared), and which repositories link each.
        var blobs: [Digest: Data] = [:]
        var links: [String: Set<Digest>] = [:]
        /// Manifests by repository and by tag or digest.
        var manifests: [String: [String: Manifest]] = [:]
        /// Open upload sessions: id → repository and bytes so far.
        var uploads: [String: (repository: String, data: Data)] = [:]
        var faults = Faults()
    }

    private let state = Mutex(State())
    private let server: Mutex<FakeHTTPServer?> = Mutex(nil)

    private init() {}

    /// Starts an empty registry on 127.0.0.1 with a free port.
    public static func start(faults: Faults = Faults()) async throws -> InMemoryRegistry {
        let registry = InMemoryRegistry()
        registry.state.withLock { $0.faults = faults }
        let server = try await FakeHTTPServer.start { [registry] request in registry.handle(request) }
        registry.server.withLock { $0 = server }
        return registry
    }

    private var running: FakeHTTPServer {
        server.withLock { $0! }
    }

    /// `127.0.0.1:PORT`.
    public var host: String { running.host }

    /// Every request received so far, in order.
    public var requests: [FakeRequest] { running.requests }

    /// Changes the faults of the running registry.
    public func setFaults(_ faults: Faults) {
        state.withLock { $0.faults = faults }
    }

    /// Stops the server.
    public func shutdown() async {
        await running.shutdown()
    }

    /// The bytes of blob `digest` if `repository` links it.
    public func blob(_ digest: Digest, in repository: String) -> Data? {
        state.withLock { $0.links[repository]?.contains(digest) == true ? $0.blobs[digest] : nil }
    }

    /// Stores `data` as a blob of `repository` directly (no request), returning its digest.
    @discardableResult
    public func seedBlob(_ data: Data, in repository: String) -> Digest {
        let digest = Digest.sha256(data)
        state.withLock {
            $0.blobs[digest] = data
            $0.links[repository, default: []].insert(digest)
        }
        return digest
    }

    /// The manifest bytes `repository` holds under `reference` (a tag or digest).
    public func manifest(_ reference: String, in repository: String) -> Data? {
        state.withLock { $0.manifests[repository]?[reference]?.bytes }
    }

    // MARK: - Protocol

    func handle(_ request: FakeRequest) -> FakeResponse {
        let path = request.path
        if path == "/v2/" || path == "/v2" { return .json(200, "{}") }
        guard path.hasPrefix("/v2/") else { return .registryError(404, code: "NOT_FOUND", message: "no route") }
        let rest = String(path.dropFirst(4))
        if let range = rest.range(of: "/blobs/uploads", options: .backwards) {
            let repository = String(rest[..<range.lowerBound])
            let session = rest[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return handleUpload(request, repository: repository, session: session.isEmpty ? nil : session)
        }
        if let range = rest.range(of: "/blobs/", options: .backwards) {
            return handleBlob(
                request, repository: String(rest[..<range.lowerBound]), digest: String(rest[range.upperBound...]))
        }
        if let range = rest.range(of: "/manifests/", options: .backwards) {
            return handleManifest(
                request, repository: String(rest[..<range.lowerBound]),
                reference: String(rest[range.upperBound...]))
        }
        if rest.hasSuffix("/tags/list") {
            let repository = String(rest.dropLast("/tags/list".count))
            let tags = state.withLock { state in
                (state.manifests[repository] ?? [:]).keys.filter { !$0.contains(":") }.sorted()
            }
            let body = try? JSONSerialization.data(withJSONObject: ["name": repository, "tags": tags])
            return FakeResponse(status: 200, headers: [("Content-Type", "application/json")], body: body ?? Data())
        }
        return .registryError(404, code: "NOT_FOUND", message: "no route")
    }

    private func handleBlob(_ request: FakeRequest, repository: String, digest text: String) -> FakeResponse {
        guard let digest = try? Digest(text) else {
            return .registryError(400, code: "DIGEST_INVALID", message: "invalid digest")
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .registryError(405, code: "UNSUPPORTED", message: "method not allowed")
        }
        guard let data = blob(digest, in: repository) else {
            return .registryError(404, code: "BLOB_UNKNOWN", message: "blob unknown to registry")
        }
        return FakeResponse(
            status: 200,
            headers: [("Content-Type", "application/octet-stream"), ("Docker-Content-Digest", digest.description)],
            body: data)
    }

    private func handleUpload(_ request: FakeRequest, repository: String, session: String?) -> FakeResponse {
        let query = request.query
        switch (request.method, session) {
        case ("POST", nil):
            if let mount = query["mount"], let from = query["from"] {
                if let status = state.withLock({ $0.faults.mountStatus }) {
                    return .registryError(status, code: "UNKNOWN", message: "mount failed (injected)")
                }
                if let digest = try? Digest(mount), let data = blob(digest, in: from) {
                    seedBlob(data, in: repository)
                    return created(repository: repository, digest: digest)
                }
            }
            if let text = query["digest"] {
                return store(request.body, repository: repository, digest: text)
            }
            let id = UUID().uuidString.lowercased()
            state.withLock { $0.uploads[id] = (repository, Data()) }
            return accepted(repository: repository, id: id, received: 0)
        case ("PATCH", let id?):
            let received = state.withLock { state -> Int? in
                guard state.uploads[id]?.repository == repository else { return nil }
                state.uploads[id]!.data.append(request.body)
                return state.uploads[id]!.data.count
            }
            guard let received else { return unknownUpload() }
            return accepted(repository: repository, id: id, received: received)
        case ("PUT", let id?):
            let data = state.withLock { state -> Data? in
                guard let upload = state.uploads.removeValue(forKey: id), upload.repository == repository else {
                    return nil
                }
                return upload.data + request.body
            }
            guard let data else { return unknownUpload() }
            return store(data, repository: repository, digest: query["digest"] ?? "")
        case ("DELETE", let id?):
            let removed = state.withLock { $0.uploads.removeValue(forKey: id) != nil }
            return removed ? FakeResponse(status: 204) : unknownUpload()
        default:
            return .registryError(405, code: "UNSUPPORTED", message: "method not allowed")
        }
    }

    private func store(_ data: Data, repository: String, digest text: String) -> FakeResponse {
        guard let digest = try? Digest(text), digest.recompute(data) == digest else {
            return .registryError(
                400, code: "DIGEST_INVALID", message: "provided digest did not match uploaded content")
        }
        seedBlob(data, in: repository)
        return created(repository: repository, digest: digest)
    }

    private func created(repository: String, digest: Digest) -> FakeResponse {
        FakeResponse(
            status: 201,
            headers: [("Location", "/v2/\(repository)/blobs/\(digest)"), ("Docker-Content-Digest", digest.description)])
    }

    private func accepted(repository: String, id: String, received: Int) -> FakeResponse {
        FakeResponse(
            status: 202,
            headers: [
                ("Location", "/v2/\(repository)/blobs/uploads/\(id)"), ("Range", "0-\(max(0, received - 1))"),
                ("Docker-Upload-UUID", id),
            ])
    }

    private func unknownUpload() -> FakeResponse {
        .registryError(404, code: "BLOB_UPLOAD_UNKNOWN", message: "blob upload unknown to registry")
    }

    private func handleManifest(_ request: FakeRequest, repository: String, reference: String) -> FakeResponse {
        switch request.method {
        case "GET", "HEAD":
            guard let manifest = state.withLock({ $0.manifests[repository]?[reference] }) else {
                return .registryError(404, code: "MANIFEST_UNKNOWN", message: "manifest unknown")
            }
            return FakeResponse(
                status: 200,
                headers: [
                    ("Content-Type", manifest.mediaType),
                    ("Docker-Content-Digest", Digest.sha256(manifest.bytes).description),
                ],
                body: manifest.bytes)
        case "PUT":
            if state.withLock({ $0.faults.readOnlyRepositories.contains(repository) }) {
                return .registryError(403, code: "DENIED", message: "requested access to the resource is denied")
            }
            let digest = Digest.sha256(request.body)
            if reference.contains(":"), reference != digest.description {
                return .registryError(400, code: "DIGEST_INVALID", message: "manifest digest did not match")
            }
            let manifest = Manifest(
                bytes: request.body, mediaType: request.header("Content-Type") ?? "application/octet-stream")
            state.withLock {
                $0.manifests[repository, default: [:]][reference] = manifest
                $0.manifests[repository, default: [:]][digest.description] = manifest
            }
            return FakeResponse(
                status: 201,
                headers: [
                    ("Location", "/v2/\(repository)/manifests/\(digest)"),
                    ("Docker-Content-Digest", digest.description),
                ])
        default:
            return .registryError(405, code: "UNSUPPORTED", message: "method not allowed")
        }
    }
}
