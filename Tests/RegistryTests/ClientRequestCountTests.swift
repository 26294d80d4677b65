import Foundation
import OCI
import TestSupport
import Testing

@testable import Registry

/// How many HTTP requests an operation costs, counted on the in-process fake server: no `/v2/` ping, the first
/// 401 answered from its own `WWW-Authenticate`, the learned scheme used pre-emptively afterwards, and upload
/// bodies sent once. The same counts against the real `docker-registry` are in `IntegrationRequestCountTests`.
@Suite("registry client: request counts")
struct ClientRequestCountTests {
    /// How the fake registry authenticates.
    enum Auth: String, Sendable, CaseIterable {
        case none, basic, bearer
    }

    static let credential = Credential.basic(username: "robot", password: "c0unt-Passw0rd")
    static let basicHeader = "Basic " + Data("robot:c0unt-Passw0rd".utf8).base64EncodedString()
    static let token = "fake-token-123456"

    /// A registry for repository `app` — manifest `v1`, monolithic blob uploads — behind `auth`, with its token
    /// endpoint at `/token` for `.bearer`.
    static func registry(_ auth: Auth) async throws -> FakeHTTPServer {
        let sessions = ClientTally()
        return try await FakeHTTPServer.start { request in
            let host = request.header("Host") ?? "127.0.0.1"
            if request.path == "/token" {
                guard request.header("Authorization") == basicHeader else {
                    return .registryError(401, code: "UNAUTHORIZED", message: "bad credentials")
                }
                return .json(200, #"{"token":"\#(token)","expires_in":300}"#)
            }
            let presented = request.header("Authorization")
            switch auth {
            case .none:
                break
            case .basic where presented != basicHeader:
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", #"Basic realm="fake""#)])
            case .bearer where presented != "Bearer \(token)":
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", #"Bearer realm="http://\#(host)/token",service="fake""#)])
            default:
                break
            }
            switch (request.method, request.path) {
            case ("HEAD", "/v2/app/manifests/v1"), ("GET", "/v2/app/manifests/v1"):
                return ClientFakeRegistry.manifest()
            case ("PUT", "/v2/app/manifests/v1"):
                let digest = Digest.sha256(request.body)
                return FakeResponse(status: 201, headers: [("Docker-Content-Digest", digest.description)])
            case ("POST", "/v2/app/blobs/uploads/"):
                let session = sessions.next("session")
                return FakeResponse(status: 202, headers: [("Location", "/v2/app/blobs/uploads/s\(session)")])
            case ("PUT", let path) where path.hasPrefix("/v2/app/blobs/uploads/s"):
                let received = Digest.sha256(request.body)
                guard request.query["digest"] == received.description else {
                    return .registryError(400, code: "DIGEST_INVALID", message: "digest mismatch")
                }
                return FakeResponse(status: 201, headers: [("Docker-Content-Digest", received.description)])
            default:
                return .registryError(404, code: "NAME_UNKNOWN", message: "no such repository")
            }
        }
    }

    static func client(for server: FakeHTTPServer, _ auth: Auth) -> RegistryClient {
        auth == .none ? ClientTestSupport.client() : ClientTestSupport.client([server.host: credential])
    }

    /// `METHOD path` of every request, with `+auth` when it carried an `Authorization` header.
    static func trace(_ server: FakeHTTPServer) -> [String] {
        server.requests.map { "\($0.method) \($0.path)" + ($0.header("Authorization") == nil ? "" : " +auth") }
    }

    @Test(
        "headManifest (what `exists` sends): 1 request without auth, 2 with Basic, 3 with tokens; then 1 each",
        arguments: Auth.allCases)
    func existsCosts(auth: Auth) async throws {
        let server = try await Self.registry(auth)
        let client = Self.client(for: server, auth)
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        let first = try await client.headManifest(reference)
        let firstTrace = Self.trace(server)
        let second = try await client.headManifest(reference)
        await server.shutdown()
        #expect(first?.digest == ClientFakeRegistry.manifestDigest)
        #expect(second == first)
        let head = "HEAD /v2/app/manifests/v1"
        switch auth {
        case .none:
            #expect(firstTrace == [head])
        case .basic:
            #expect(firstTrace == [head, "\(head) +auth"])
        case .bearer:
            #expect(firstTrace == [head, "GET /token +auth", "\(head) +auth"])
        }
        #expect(Self.trace(server) == firstTrace + [auth == .none ? head : "\(head) +auth"])
        #expect(!server.requests.contains { $0.path == "/v2/" })
    }

    @Test(
        "an upload learns the scheme on the body-less POST, so the streamed PUT carries auth and goes out once",
        arguments: [Auth.basic, .bearer])
    func uploadSendsBodyOnce(auth: Auth) async throws {
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try ClientTestSupport.randomFile(3 * 1024 * 1024, in: directory)
        let server = try await Self.registry(auth)
        let client = Self.client(for: server, auth)
        let reference = try ClientTestSupport.reference(server.host, "app")
        try await client.uploadBlob(from: file.path, digest: file.digest, size: Int64(file.data.count), to: reference)
        let second = ClientTestSupport.randomData(100_000)
        try await client.uploadBlob(second, to: reference)
        await server.shutdown()

        let puts = server.requests.filter { $0.method == "PUT" }
        #expect(puts.count == 2)
        #expect(puts.allSatisfy { $0.header("Authorization") != nil })
        #expect(puts.first?.body == file.data)
        #expect(puts.last?.body == second)
        let posts = server.requests.filter { $0.method == "POST" }.map { $0.header("Authorization") != nil }
        #expect(posts == [false, true, true])
        #expect(server.requests.filter { $0.path == "/token" }.count == (auth == .bearer ? 1 : 0))
    }

    @Test("a body request that meets the first 401 is sent again, whole, with the credentials")
    func bodyRetriedAfterChallenge() async throws {
        let server = try await Self.registry(.basic)
        let client = Self.client(for: server, .basic)
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        let digest = try await client.putManifest(
            ClientFakeRegistry.manifestBytes, mediaType: MediaType.ociManifest, to: reference)
        await server.shutdown()
        #expect(digest == ClientFakeRegistry.manifestDigest)
        let puts = server.requests.filter { $0.method == "PUT" }
        #expect(puts.map { $0.header("Authorization") } == [nil, Self.basicHeader])
        #expect(puts.allSatisfy { $0.body == ClientFakeRegistry.manifestBytes })
    }

    @Test("concurrent first requests to a token registry share one token request")
    func concurrentRequestsShareOneToken() async throws {
        let server = try await Self.registry(.bearer)
        let client = Self.client(for: server, .bearer)
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        let digests = try await withThrowingTaskGroup(of: Digest?.self) { group in
            for _ in 0..<8 {
                group.addTask { try await client.headManifest(reference)?.digest }
            }
            return try await group.reduce(into: [Digest?]()) { $0.append($1) }
        }
        await server.shutdown()
        #expect(digests == Array(repeating: ClientFakeRegistry.manifestDigest, count: 8))
        #expect(server.requests.filter { $0.path == "/token" }.count == 1)
        // Each request is sent at most twice: anonymously (if the scheme was not known yet), then with the token.
        let heads = server.requests.filter { $0.method == "HEAD" }
        #expect(heads.filter { $0.header("Authorization") != nil }.count == 8)
        #expect(heads.count <= 16)
    }
}
