import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// The client against a real `docker-registry` with htpasswd Basic auth and with token auth (the project's token
/// server): pushes and pulls with credentials, and one clear line when they are wrong.
@Suite("registry client: authentication against docker-registry")
struct IntegrationAuthTests {
    /// Push a small image (blobs + manifest) and read it back.
    static func pushAndPull(_ client: RegistryClient, _ reference: Reference) async throws {
        let raw = try await ClientTestSupport.pushImageBlobs(client, to: reference, layerSize: 300_000)
        #expect(try await client.putManifest(raw, to: reference) == raw.digest)
        #expect(try await client.headManifest(reference)?.digest == raw.digest)
        #expect(try await client.getManifest(reference).bytes == raw.bytes)
        let layer = try #require(raw.value.imageManifest?.layers.first)
        #expect(try await client.getBlob(layer.digest, from: reference).count == 300_000)
        #expect(try await client.listTags(reference) == [reference.tag ?? "latest"])
    }

    @Test("basic auth: the right password pushes and pulls")
    func basicPushPull() async throws {
        let registry = try await RegistryFixture.start(auth: .basic)
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        try await Self.pushAndPull(client, try ClientTestSupport.reference(registry.host, "team/app", tag: "v1"))
    }

    @Test("basic auth: a wrong password is one clear 401 line that names the host and hides the password")
    func basicWrongPassword() async throws {
        let registry = try await RegistryFixture.start(auth: .basic)
        defer { registry.stop() }
        let wrong = "wrong-Passw0rd-\(UUID().uuidString.prefix(8))"
        let client = ClientTestSupport.client(for: registry, password: wrong)
        let reference = try ClientTestSupport.reference(registry.host, "team/app", tag: "v1")
        let error = try await #require(throws: RegistryError.self) { try await client.headManifest(reference) }
        #expect(error.status == 401)
        #expect(error.kind == .auth)
        #expect(error.description.contains(registry.host))
        #expect(error.description.contains("docker login"))
        #expect(!error.description.contains(wrong))
        #expect(!error.description.contains("\n"))
        // A push fails the same way, before anything is written.
        let push = try await #require(throws: RegistryError.self) {
            try await client.uploadBlob(Data("x".utf8), to: reference)
        }
        #expect(push.status == 401)
        #expect(!push.description.contains(wrong))
    }

    @Test("basic auth without credentials says how to log in")
    func basicAnonymous() async throws {
        let registry = try await RegistryFixture.start(auth: .basic)
        defer { registry.stop() }
        let client = ClientTestSupport.client()
        let error = try await #require(throws: RegistryError.self) {
            try await client.getManifest(try ClientTestSupport.reference(registry.host, "team/app"))
        }
        #expect(error.status == 401)
        #expect(error.description.contains("docker login \(registry.host)"))
    }

    @Test("token auth: push and pull with tokens for push+pull scope, fetched once and reused")
    func tokenPushPull() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        try await Self.pushAndPull(client, try ClientTestSupport.reference(registry.host, "team/app", tag: "v1"))
        let log = registry.tokenLog().split(separator: "\n")
        #expect(log.contains { $0.contains("repository:team/app:pull,push") })
        // A handful of tokens for the whole push and pull, not one per request.
        #expect(log.count <= 3)
    }

    @Test("token auth: cross-repository mount asks for pull on the source and mounts")
    func tokenMount() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        let source = try ClientTestSupport.reference(registry.host, "base/python")
        let target = try ClientTestSupport.reference(registry.host, "team/app")
        let blob = try await client.uploadBlob(ClientTestSupport.randomData(5000), to: source)
        #expect(try await client.mountBlob(blob.digest, from: source, to: target))
        #expect(try await client.blobExists(blob.digest, in: target))
        #expect(registry.tokenLog().contains("repository:base/python:pull"))
    }

    @Test("token auth: a wrong password is refused by the token endpoint, in one line without the password")
    func tokenWrongPassword() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let wrong = "bad-Passw0rd-\(UUID().uuidString.prefix(8))"
        let client = ClientTestSupport.client(for: registry, password: wrong)
        let error = try await #require(throws: RegistryError.self) {
            try await client.headManifest(try ClientTestSupport.reference(registry.host, "team/app"))
        }
        #expect(error.status == 401)
        #expect(error.description.contains("token endpoint"))
        #expect(error.description.contains(registry.host))
        #expect(!error.description.contains(wrong))
        #expect(!error.description.contains("\n"))
    }

    @Test("token auth: a pull-only account cannot push; the error names the missing scope")
    func tokenPullOnly() async throws {
        let config = TokenServerConfig(accounts: [
            .init(username: "reader", password: "reader-Passw0rd", grants: [.repository("*", actions: ["pull"])])
        ])
        let registry = try await RegistryFixture.start(auth: .token, tokenConfig: config)
        defer { registry.stop() }
        let client = ClientTestSupport.client([registry.host: .basic(username: "reader", password: "reader-Passw0rd")])
        let reference = try ClientTestSupport.reference(registry.host, "team/app")
        let error = try await #require(throws: RegistryError.self) {
            try await client.uploadBlob(Data("layer".utf8), to: reference)
        }
        #expect(error.status == 401)
        #expect(error.description.contains("push"))
        #expect(error.description.contains(registry.host))
        #expect(!error.description.contains("reader-Passw0rd"))
        // Reading still works with the same credentials.
        #expect(try await client.headManifest(reference) == nil)
        // A mount the token does not allow is "not mounted", so a copier falls back to uploading (and fails there).
        let source = try ClientTestSupport.reference(registry.host, "base/python")
        #expect(try await client.mountBlob(Digest.sha256(Data("layer".utf8)), from: source, to: reference) == false)
    }

    @Test("token auth: an identity (refresh) token is exchanged with POST grant_type=refresh_token")
    func identityToken() async throws {
        let config = TokenServerConfig(accounts: [
            .init(username: "robot", refreshToken: "rt-imagespec-refresh-1234", grants: [.repository("*")])
        ])
        let registry = try await RegistryFixture.start(auth: .token, tokenConfig: config)
        defer { registry.stop() }
        let client = ClientTestSupport.client([registry.host: .identityToken("rt-imagespec-refresh-1234")])
        try await Self.pushAndPull(client, try ClientTestSupport.reference(registry.host, "team/app", tag: "v2"))
        #expect(registry.tokenLog().contains("refresh_token"))
    }
}
