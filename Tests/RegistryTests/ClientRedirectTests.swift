import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// Redirects and absolute upload locations on another origin, with two in-process fake servers (a registry and
/// a "storage" host on another port): the real `docker-registry` with filesystem storage never redirects.
@Suite("registry client: credentials never leave the registry's origin")
struct ClientRedirectTests {
    static let credential = Credential.basic(username: "robot", password: "s3cret-Passw0rd")
    static let basicHeader = "Basic " + Data("robot:s3cret-Passw0rd".utf8).base64EncodedString()

    /// A registry that wants Basic credentials on every request.
    static func basicRegistry(_ route: @escaping @Sendable (FakeRequest) -> FakeResponse) async throws
        -> FakeHTTPServer
    {
        try await FakeHTTPServer.start { request in
            guard request.header("Authorization") == basicHeader else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", #"Basic realm="fake""#)])
            }
            return route(request)
        }
    }

    @Test("a blob GET redirected to another origin follows without Authorization")
    func crossOriginBlobRedirect() async throws {
        let blob = ClientTestSupport.randomData(100_000)
        let storage = try await FakeHTTPServer.start { request in
            request.path == "/storage/blob" ? FakeResponse(status: 200, body: blob) : .text(404, "")
        }
        let registry = try await Self.basicRegistry { request in
            request.path.contains("/blobs/")
                ? .redirect(to: "\(storage.baseURL)/storage/blob?X-Amz-Signature=abc", status: 307)
                : ClientFakeRegistry.apiRoot
        }
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = ClientTestSupport.client([registry.host: Self.credential])
        let digest = Digest.sha256(blob)
        try await client.downloadBlob(
            digest, from: try ClientTestSupport.reference(registry.host, "app"),
            to: directory + "/blob")
        #expect(FileManager.default.contents(atPath: directory + "/blob") == blob)
        #expect(try await client.getBlob(digest, from: try ClientTestSupport.reference(registry.host, "app")) == blob)
        await registry.shutdown()
        await storage.shutdown()

        // No ping: the first GET goes out anonymously and its 401 brings the credentials; later ones carry them.
        let asked = registry.requests.filter { $0.path == "/v2/app/blobs/\(digest)" }
        #expect(asked.map { $0.header("Authorization") } == [nil, Self.basicHeader, Self.basicHeader])
        let followed = storage.requests
        #expect(followed.count == 2)
        #expect(followed.allSatisfy { $0.header("Authorization") == nil })
    }

    @Test("an absolute upload Location on another host gets the blob but not the credentials")
    func absoluteUploadLocation() async throws {
        let storage = try await FakeHTTPServer.start { request in
            guard request.method == "PUT", request.path == "/upload/session-1" else { return .text(404, "") }
            let received = Digest.sha256(request.body)
            guard request.query["digest"] == received.description, request.query["sig"] == "xyz" else {
                return .registryError(400, code: "DIGEST_INVALID", message: "bad digest")
            }
            return FakeResponse(status: 201, headers: [("Docker-Content-Digest", received.description)])
        }
        let registry = try await Self.basicRegistry { request in
            if request.method == "POST", request.path == "/v2/app/blobs/uploads/" {
                return FakeResponse(status: 202, headers: [("Location", "\(storage.baseURL)/upload/session-1?sig=xyz")])
            }
            return ClientFakeRegistry.apiRoot
        }
        let client = ClientTestSupport.client([registry.host: Self.credential])
        let data = ClientTestSupport.randomData(70_000)
        let descriptor = try await client.uploadBlob(data, to: try ClientTestSupport.reference(registry.host, "app"))
        await registry.shutdown()
        await storage.shutdown()

        #expect(descriptor.digest == Digest.sha256(data))
        #expect(storage.requests.count == 1)
        let put = try #require(storage.requests.first)
        #expect(put.body == data)
        #expect(put.header("Authorization") == nil)
        #expect(put.header("Content-Type") == "application/octet-stream")
        // The body-less POST answered the challenge; the blob went out once.
        let posts = registry.requests.filter { $0.method == "POST" }
        #expect(posts.map { $0.header("Authorization") } == [nil, Self.basicHeader])
    }
}
