import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// Digest verification, against the in-process fake server: a real registry always serves the right bytes.
@Suite("registry client: digest verification")
struct ClientDigestTests {
    @Test("a manifest whose Docker-Content-Digest is not the digest of its bytes is rejected")
    func wrongContentDigestHeader() async throws {
        let other = Digest.sha256(Data("other bytes".utf8))
        let server = try await FakeHTTPServer.start { request in
            request.path == "/v2/" ? ClientFakeRegistry.apiRoot : ClientFakeRegistry.manifest(digest: other.description)
        }
        let client = ClientTestSupport.client()
        let error = try await #require(throws: RegistryError.self) {
            try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        }
        await server.shutdown()
        #expect(error.kind == .digestMismatch)
        #expect(error.isTemporary == false)
        #expect(error.description.contains(other.description))
        #expect(ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1").count == 1)
    }

    @Test("a manifest fetched by digest must hash to that digest, even without a Docker-Content-Digest header")
    func wrongBytesForDigest() async throws {
        let server = try await FakeHTTPServer.start { request in
            request.path == "/v2/"
                ? ClientFakeRegistry.apiRoot
                : FakeResponse(
                    status: 200, headers: [("Content-Type", MediaType.ociManifest)],
                    body: ClientFakeRegistry.manifestBytes)
        }
        let client = ClientTestSupport.client()
        let wanted = Digest.sha256(Data("the manifest we asked for".utf8))
        let reference = try ClientTestSupport.reference(server.host, "app").pinned(to: wanted)
        let error = try await #require(throws: RegistryError.self) { try await client.getManifest(reference) }
        #expect(error.kind == .digestMismatch)
        // Without the header, the right bytes by digest are accepted.
        let good = try ClientTestSupport.reference(server.host, "app").pinned(to: ClientFakeRegistry.manifestDigest)
        #expect(try await client.getManifest(good).bytes == ClientFakeRegistry.manifestBytes)
        await server.shutdown()
    }

    @Test("a blob download with the wrong bytes deletes the temporary file and leaves no target")
    func blobMismatchLeavesNothing() async throws {
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let served = ClientTestSupport.randomData(3 * 1024 * 1024)
        let server = try await FakeHTTPServer.start { request in
            request.path == "/v2/" ? ClientFakeRegistry.apiRoot : FakeResponse(status: 200, body: served)
        }
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference(server.host, "app")
        let wanted = Digest.sha256(Data("expected".utf8))
        let target = directory + "/layer.tar.gz"
        let error = try await #require(throws: RegistryError.self) {
            try await client.downloadBlob(wanted, from: reference, to: target)
        }
        #expect(error.kind == .digestMismatch)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)

        // The same server, asked for the digest it really serves, delivers it into place.
        try await client.downloadBlob(Digest.sha256(served), from: reference, to: target)
        #expect(FileManager.default.contents(atPath: target) == served)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["layer.tar.gz"])
        await server.shutdown()
    }

    @Test("a manifest PUT answered with another Docker-Content-Digest is an error; a wrong reference digest too")
    func putManifestDigestChecked() async throws {
        let other = Digest.sha256(Data("not what was sent".utf8))
        let server = try await FakeHTTPServer.start { request in
            request.path == "/v2/"
                ? ClientFakeRegistry.apiRoot
                : FakeResponse(status: 201, headers: [("Docker-Content-Digest", other.description)])
        }
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        let error = try await #require(throws: RegistryError.self) {
            try await client.putManifest(
                ClientFakeRegistry.manifestBytes, mediaType: MediaType.ociManifest, to: reference)
        }
        #expect(error.kind == .digestMismatch)
        #expect(error.method == "PUT")
        let put = try #require(server.requests.first { $0.method == "PUT" })
        #expect(put.header("Content-Type") == MediaType.ociManifest)
        #expect(put.body == ClientFakeRegistry.manifestBytes)

        let pinned = reference.pinned(to: other)
        let refused = try await #require(throws: RegistryError.self) {
            try await client.putManifest(ClientFakeRegistry.manifestBytes, mediaType: MediaType.ociManifest, to: pinned)
        }
        #expect(refused.kind == .digestMismatch)
        #expect(server.requests.filter { $0.method == "PUT" }.count == 1)
        await server.shutdown()
    }

    @Test(
        "HEAD 404 is nil only when GET says MANIFEST_UNKNOWN; NAME_UNKNOWN and DENIED are errors",
        arguments: [
            ("MANIFEST_UNKNOWN", 404), ("NAME_UNKNOWN", 404), ("DENIED", 403),
        ])
    func headNotFoundIsChecked(code: String, status: Int) async throws {
        let server = try await FakeHTTPServer.start { request in
            if request.path == "/v2/" { return ClientFakeRegistry.apiRoot }
            return .registryError(status, code: code, message: "\(code.lowercased()) says the registry")
        }
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        do {
            let found = try await client.headManifest(reference)
            #expect(code == "MANIFEST_UNKNOWN")
            #expect(found == nil)
        } catch {
            #expect(code != "MANIFEST_UNKNOWN")
            #expect(error.codes == [code])
            #expect(error.status == status)
            #expect(error.isNotFound == false)
        }
        // HEAD first, then a GET to read the error body.
        let methods = ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1").map(\.method)
        #expect(methods == ["HEAD", "GET"])
        await server.shutdown()
    }
}
