import Foundation
import OCI
import TestSupport
import Testing

@testable import Registry

/// Bearer-token edge cases against the in-process fake server (registry and token endpoint in one). The real
/// registry with token auth is covered in `IntegrationAuthTests`; these are the cases it cannot be made to show.
@Suite("registry client: bearer tokens")
struct ClientAuthTests {
    /// A registry whose manifest needs a token carrying `required`; the token endpoint grants `granting(scopes)`.
    /// Like distribution, it answers a request without a token with the plain challenge, and one whose token lacks
    /// `required` with `error="insufficient_scope"` naming it.
    static func tokenRegistry(
        required: String, granting: @escaping @Sendable ([String]) -> String = { $0.joined(separator: " ") }
    ) async throws -> FakeHTTPServer {
        return try await FakeHTTPServer.start { request in
            let host = request.header("Host") ?? "127.0.0.1"
            let challenge = #"Bearer realm="http://\#(host)/token",service="fake-registry""#
            switch request.path {
            case "/token":
                let granted = granting(ClientFakeRegistry.scopes(of: request))
                // `access_token` only, no `token`: the client must accept either name.
                return .json(200, #"{"access_token":"tok:\#(granted)","expires_in":300}"#)
            case "/v2/":
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", challenge)])
            default:
                let presented = request.header("Authorization") ?? ""
                guard presented.hasPrefix("Bearer tok:") else {
                    return .registryError(
                        401, code: "UNAUTHORIZED", message: "authentication required",
                        headers: [("WWW-Authenticate", challenge + #",scope="\#(required)""#)])
                }
                guard
                    presented.dropFirst("Bearer tok:".count).split(separator: " ").map(String.init)
                        .contains(required)
                else {
                    return .registryError(
                        401, code: "UNAUTHORIZED", message: "authentication required",
                        headers: [
                            ("WWW-Authenticate", challenge + #",scope="\#(required)",error="insufficient_scope""#)
                        ])
                }
                return ClientFakeRegistry.manifest()
            }
        }
    }

    @Test("no ping; the first 401 brings a token, insufficient_scope one more with the wider scope, then success")
    func widerScopeOnce() async throws {
        let server = try await Self.tokenRegistry(required: "repository:app:pull,push")
        let client = ClientTestSupport.client()
        let raw = try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        await server.shutdown()
        #expect(raw.digest == ClientFakeRegistry.manifestDigest)
        let tokens = ClientFakeRegistry.requests(server, path: "/token").map(ClientFakeRegistry.scopes(of:))
        #expect(tokens == [["repository:app:pull"], ["repository:app:pull,push"]])
        let manifests = ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1")
        #expect(
            manifests.map { $0.header("Authorization") } == [
                nil, "Bearer tok:repository:app:pull",
                "Bearer tok:repository:app:pull,push",
            ])
        #expect(server.requests.filter { $0.path == "/v2/" }.isEmpty)
    }

    @Test("a challenge that names a wider scope at once gets one token with that scope")
    func widerScopeAtFirstChallenge() async throws {
        let server = try await FakeHTTPServer.start { request in
            let host = request.header("Host") ?? "127.0.0.1"
            if request.path == "/token" {
                return .json(200, #"{"token":"tok:\#(ClientFakeRegistry.scopes(of: request).joined(separator: " "))"}"#)
            }
            guard request.header("Authorization") == "Bearer tok:repository:app:pull,push" else {
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [
                        (
                            "WWW-Authenticate",
                            #"Bearer realm="http://\#(host)/token",service="fake",scope="repository:app:pull,push","#
                                + #"error="insufficient_scope""#
                        )
                    ])
            }
            return ClientFakeRegistry.manifest()
        }
        let client = ClientTestSupport.client()
        _ = try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        await server.shutdown()
        let tokens = ClientFakeRegistry.requests(server, path: "/token").map(ClientFakeRegistry.scopes(of:))
        #expect(tokens == [["repository:app:pull,push"]])
        #expect(ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1").count == 2)
    }

    @Test("insufficient_scope that a new token cannot fix is retried once only, then reported without the token")
    func scopeNeverGranted() async throws {
        let server = try await Self.tokenRegistry(required: "repository:app:pull,push", granting: { _ in "nothing" })
        let client = ClientTestSupport.client()
        let error = try await #require(throws: RegistryError.self) {
            try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        }
        await server.shutdown()
        // Anonymous, then a pull token ("nothing" granted), then the wider token, which is not granted either.
        #expect(ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1").count == 3)
        #expect(ClientFakeRegistry.requests(server, path: "/token").count == 2)
        #expect(error.status == 401)
        #expect(error.kind == .auth)
        #expect(error.description.contains("repository:app:pull,push"))
        #expect(!error.description.contains("tok:"))
        #expect(!error.description.contains("\n"))
    }

    @Test("a cached token serves later requests; a wider token serves narrower scopes")
    func tokenReuse() async throws {
        let server = try await Self.tokenRegistry(required: "repository:app:pull")
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        for _ in 0..<3 {
            _ = try await client.getManifest(reference)
        }
        await server.shutdown()
        #expect(ClientFakeRegistry.requests(server, path: "/token").count == 1)

        var cache = TokenCache()
        let now = ContinuousClock.now
        cache.store(
            token: "wide", host: "h", scopes: ["repository:a:pull,push"], lifetime: .seconds(300), now: now)
        #expect(cache.token(host: "h", scopes: ["repository:a:pull,push"], now: now) == "wide")
        #expect(cache.token(host: "h", scopes: ["repository:b:pull"], now: now) == nil)
        #expect(cache.token(host: "other", scopes: ["repository:a:pull,push"], now: now) == nil)
        // expires_in 300 s: gone shortly before the end.
        #expect(cache.token(host: "h", scopes: ["repository:a:pull,push"], now: now + .seconds(295)) == nil)
        cache.remove(token: "wide", host: "h")
        #expect(cache.token(host: "h", scopes: ["repository:a:pull,push"], now: now) == nil)
    }

    @Test("a cached token the registry stopped accepting is replaced once; a fresh token it rejects is reported")
    func rejectedTokens() async throws {
        let issued = ClientTally()
        let accepted = ClientTally()  // "valid" holds the number of the only token the registry accepts
        let server = try await FakeHTTPServer.start { request in
            let host = request.header("Host") ?? "127.0.0.1"
            if request.path == "/token" {
                return .json(200, #"{"token":"tok-\#(issued.next("token"))"}"#)
            }
            let valid = accepted.count("valid")
            guard valid > 0, request.header("Authorization") == "Bearer tok-\(valid)" else {
                let error = request.header("Authorization") == nil ? "" : #",error="invalid_token""#
                return .registryError(
                    401, code: "UNAUTHORIZED", message: "authentication required",
                    headers: [("WWW-Authenticate", #"Bearer realm="http://\#(host)/token",service="fake""# + error)])
            }
            return ClientFakeRegistry.manifest()
        }
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        _ = accepted.next("valid")  // tok-1
        _ = try await client.getManifest(reference)
        _ = accepted.next("valid")  // tok-1 "expires": only tok-2 works now
        _ = try await client.getManifest(reference)
        let manifests = ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1")
        #expect(manifests.map { $0.header("Authorization") } == [nil, "Bearer tok-1", "Bearer tok-1", "Bearer tok-2"])

        // Only tok-4 works now: the cached tok-2 is replaced by a fresh tok-3, which is rejected too and reported.
        _ = accepted.next("valid")
        _ = accepted.next("valid")
        let error = try await #require(throws: RegistryError.self) { try await client.getManifest(reference) }
        await server.shutdown()
        #expect(error.status == 401)
        #expect(error.description.contains("rejected the token from its token endpoint (invalid_token)"))
        #expect(!error.description.contains("tok-"))
        #expect(issued.count("token") == 3)
        #expect(ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1").count == 6)
    }

    @Test("a registry token from the docker config is sent as the bearer token, without a token request")
    func registryTokenUsedDirectly() async throws {
        let server = try await FakeHTTPServer.start { request in
            let host = request.header("Host") ?? "127.0.0.1"
            if request.header("Authorization") == "Bearer static-registry-token-1234" {
                return request.path == "/v2/" ? ClientFakeRegistry.apiRoot : ClientFakeRegistry.manifest()
            }
            return .registryError(
                401, code: "UNAUTHORIZED", message: "authentication required",
                headers: [("WWW-Authenticate", #"Bearer realm="http://\#(host)/token",service="fake""#)])
        }
        let client = ClientTestSupport.client([server.host: .registryToken("static-registry-token-1234")])
        let raw = try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        await server.shutdown()
        #expect(raw.digest == ClientFakeRegistry.manifestDigest)
        #expect(ClientFakeRegistry.requests(server, path: "/token").isEmpty)
    }

    @Test("scopes merge by resource: actions are added, new resources appended, order kept")
    func scopeMerging() {
        #expect(TokenScope.merge(["repository:a:pull"], ["repository:a:pull,push"]) == ["repository:a:pull,push"])
        #expect(
            TokenScope.merge(["repository:a:pull,push"], ["repository:b:pull"])
                == ["repository:a:pull,push", "repository:b:pull"])
        #expect(
            TokenScope.merge(["repository:host:5000/a:pull"], ["repository:host:5000/a:push"])
                == ["repository:host:5000/a:pull,push"])
        #expect(TokenScope.merge(["repository:a:pull"], ["garbage"]) == ["repository:a:pull"])
    }
}
