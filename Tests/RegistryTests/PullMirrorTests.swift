import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// Endpoint selection from `registries.conf`: pulls try the mirror first and fall back to the primary location;
/// pushes go to the primary only. The primary is a real `docker-registry`; the mirror is the fake server (answering
/// 404 for everything) or a closed port.
@Suite("registry client: pull sources and push location")
struct PullMirrorTests {
    static func configuration(primary: String, mirror: String) throws -> RegistriesConfiguration {
        try RegistriesConfiguration(
            parsing: """
                [[registry]]
                prefix = "example.test/team"
                location = "\(primary)/team"

                [[registry.mirror]]
                location = "\(mirror)/cache/team"
                """, path: "registries.conf")
    }

    @Test(
        "an empty mirror (404) and a dead mirror both fall back to the primary; pushes never touch the mirror",
        arguments: [false, true])
    func fallback(mirrorIsDown: Bool) async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let mirror = try await FakeHTTPServer.start { request in
            request.path == "/v2/"
                ? ClientFakeRegistry.apiRoot : .registryError(404, code: "MANIFEST_UNKNOWN", message: "no")
        }
        if mirrorIsDown { await mirror.shutdown() }
        let configuration = try Self.configuration(primary: registry.host, mirror: mirror.host)
        let client = ClientTestSupport.client(configuration: configuration)
        let reference = try Reference("example.test/team/app:v1")

        let raw = try await ClientTestSupport.pushImageBlobs(client, to: reference)
        try await client.putManifest(raw, to: reference)
        #expect(try await client.headManifest(reference)?.digest == raw.digest)
        #expect(try await client.getManifest(reference).bytes == raw.bytes)
        let config = try #require(raw.value.imageManifest?.config)
        #expect(try await client.getBlob(config.digest, from: reference).count == Int(config.size))
        // The pushes landed under the rewritten repository on the primary.
        let direct = try ClientTestSupport.reference(registry.host, "team/app", tag: "v1")
        #expect(try await ClientTestSupport.client().headManifest(direct)?.digest == raw.digest)
        #expect(try await client.headManifest(reference.withTag("missing")) == nil)
        await mirror.shutdown()

        let mirrorRequests = mirror.requests
        #expect(mirrorRequests.allSatisfy { $0.method == "GET" || $0.method == "HEAD" })
        if !mirrorIsDown {
            #expect(mirrorRequests.contains { $0.path == "/v2/cache/team/app/manifests/v1" })
        }
    }
}
