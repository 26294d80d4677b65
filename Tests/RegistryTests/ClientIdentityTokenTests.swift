import Foundation
import OCI
import TestSupport
import Testing

@testable import Registry

/// Identity (refresh) tokens at token endpoints that do not speak the OAuth2 POST (GCR-style servers answer it with
/// 404 or 405): the client asks again with GET and Basic `<token>:<identity token>`, like docker. The real token
/// server accepts the POST; this is the case it cannot show.
@Suite("registry client: identity token GET fallback")
struct ClientIdentityTokenTests {
    static let refreshToken = "rt-fallback-refresh-5678"
    static let basicHeader = "Basic " + Data("<token>:\(refreshToken)".utf8).base64EncodedString()

    /// A token registry whose token endpoint answers POST with `postStatus` and GET with a token when it carries
    /// `<token>:refreshToken`.
    static func registry(postStatus: Int) async throws -> FakeHTTPServer {
        try await FakeHTTPServer.start { request in
            let host = request.header("Host") ?? "127.0.0.1"
            if request.path == "/token" {
                if request.method == "POST" {
                    return .registryError(postStatus, code: "UNSUPPORTED", message: "POST is not supported here")
                }
                guard request.header("Authorization") == basicHeader else {
                    return .registryError(401, code: "UNAUTHORIZED", message: "bad credentials")
                }
                let scopes = ClientFakeRegistry.scopes(of: request).joined(separator: " ")
                return .json(200, #"{"token":"granted \#(scopes)","expires_in":300}"#)
            }
            guard let presented = request.header("Authorization"), presented.hasPrefix("Bearer granted ") else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", #"Bearer realm="http://\#(host)/token",service="gcr-like""#)])
            }
            return ClientFakeRegistry.manifest()
        }
    }

    @Test("POST answered 404 or 405: GET with <token> Basic auth; later tokens skip the POST", arguments: [404, 405])
    func fallsBackToGet(postStatus: Int) async throws {
        let server = try await Self.registry(postStatus: postStatus)
        let client = ClientTestSupport.client([server.host: .identityToken(Self.refreshToken)])
        let raw = try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        // Another repository needs another token: straight to GET this time.
        _ = try await client.getManifest(try ClientTestSupport.reference(server.host, "other", tag: "v1"))
        await server.shutdown()
        #expect(raw.digest == ClientFakeRegistry.manifestDigest)
        let tokenRequests = ClientFakeRegistry.requests(server, path: "/token")
        #expect(tokenRequests.map(\.method) == ["POST", "GET", "GET"])
        let post = try #require(tokenRequests.first)
        #expect(String(decoding: post.body, as: UTF8.self).contains("grant_type=refresh_token"))
        #expect(post.header("Authorization") == nil)
        for get in tokenRequests.dropFirst() {
            #expect(get.header("Authorization") == Self.basicHeader)
            #expect(get.query["service"] == "gcr-like")
        }
        #expect(
            tokenRequests.map(ClientFakeRegistry.scopes(of:)) == [
                [], ["repository:app:pull"], ["repository:other:pull"],
            ])
    }

    @Test("any other refusal of the POST is reported, without a GET and without the token")
    func otherStatusIsAnError() async throws {
        let server = try await Self.registry(postStatus: 403)
        let client = ClientTestSupport.client([server.host: .identityToken(Self.refreshToken)])
        let error = try await #require(throws: RegistryError.self) {
            try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        }
        await server.shutdown()
        #expect(error.status == 403)
        #expect(error.method == "POST")
        #expect(error.description.contains("token endpoint"))
        #expect(!error.description.contains(Self.refreshToken))
        #expect(ClientFakeRegistry.requests(server, path: "/token").map(\.method) == ["POST"])
    }
}
