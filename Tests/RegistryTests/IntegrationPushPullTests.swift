import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// The client against a real `docker-registry` (distribution 2.8) without authentication.
@Suite("registry client: push and pull against docker-registry")
struct IntegrationPushPullTests {
    @Test("a file blob streams up, a manifest goes up, and both come back byte for byte")
    func pushAndReadBack() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = ClientTestSupport.client(for: registry)
        let reference = try ClientTestSupport.reference(registry.host, "team/app", tag: "v1")

        // 3 MiB from a file: several 1 MiB chunks with one Content-Length.
        let file = try ClientTestSupport.randomFile(3 * 1024 * 1024 + 17, in: directory)
        #expect(try await client.blobExists(file.digest, in: reference) == false)
        try await client.uploadBlob(from: file.path, digest: file.digest, size: Int64(file.data.count), to: reference)
        #expect(try await client.blobExists(file.digest, in: reference))

        let config = try await client.uploadBlob(
            Data(#"{"architecture":"amd64","os":"linux"}"#.utf8),
            mediaType: MediaType.ociConfig, to: reference)
        let manifest = ImageManifest(
            config: config,
            layers: [Descriptor(mediaType: MediaType.ociLayerGzip, digest: file.digest, size: Int64(file.data.count))])
        let raw = try Raw(encoding: Manifest.image(manifest))
        let pushed = try await client.putManifest(raw, to: reference)
        #expect(pushed == raw.digest)

        let head = try #require(try await client.headManifest(reference))
        #expect(head.digest == raw.digest)
        #expect(head.mediaType == MediaType.ociManifest)
        #expect(head.size == Int64(raw.bytes.count))

        let byTag = try await client.getManifest(reference)
        #expect(byTag.bytes == raw.bytes)
        #expect(byTag.mediaType == MediaType.ociManifest)
        let byDigest = try await client.getManifest(reference.pinned(to: raw.digest))
        #expect(byDigest.value == .image(manifest))

        #expect(
            try await client.getBlob(config.digest, from: reference)
                == Data(#"{"architecture":"amd64","os":"linux"}"#.utf8))
        let downloaded = directory + "/downloaded"
        try await client.downloadBlob(file.digest, from: reference, to: downloaded, size: Int64(file.data.count))
        #expect(FileManager.default.contents(atPath: downloaded) == file.data)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.contains(".partial")
        }
        #expect(leftovers.isEmpty)

        // skopeo (containers/image) reads back exactly the bytes we pushed.
        let skopeo = try ExternalTool.run(
            "skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(registry.host)/team/app:v1"]
        ).check()
        #expect(skopeo.stdoutData == raw.bytes)
    }

    @Test("tags list of five tags; distribution 2.8 ignores n=2 and answers in one page")
    func tagsList() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        let base = try ClientTestSupport.reference(registry.host, "paged/app")
        let raw = try await ClientTestSupport.pushImageBlobs(client, to: base)
        let tags = ["v1", "v2", "v3", "a", "latest"]
        for tag in tags {
            try await client.putManifest(raw, to: base.withTag(tag))
        }
        // distribution 2.8 has no tag pagination (it came with v3), so the Link-following loop is tested against
        // the fake server in ClientPaginationTests; here the real registry must still give every tag exactly once.
        let listed = try await client.listTags(base, pageSize: 2)
        #expect(listed.sorted() == tags.sorted())
        #expect(try await client.listTags(base).sorted() == tags.sorted())
        let empty = try ClientTestSupport.reference(registry.host, "no/such/repo")
        let error = try await #require(throws: RegistryError.self) { try await client.listTags(empty) }
        #expect(error.codes == ["NAME_UNKNOWN"])
    }

    @Test("cross-repository mount: 201 when the source has the blob, false (session cancelled) when not")
    func crossRepositoryMount() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        let source = try ClientTestSupport.reference(registry.host, "base/python")
        let target = try ClientTestSupport.reference(registry.host, "team/app")
        let blob = try await client.uploadBlob(ClientTestSupport.randomData(10_000), to: source)
        #expect(try await client.blobExists(blob.digest, in: target) == false)

        #expect(try await client.mountBlob(blob.digest, from: source, to: target))
        #expect(try await client.blobExists(blob.digest, in: target))
        #expect(registry.log().contains("mount=\(blob.digest)"))

        let absent = Digest.sha256(Data("never uploaded".utf8))
        #expect(try await client.mountBlob(absent, from: source, to: target) == false)
        #expect(try await client.blobExists(absent, in: target) == false)
    }

    @Test("an upload whose bytes do not match the digest is rejected with DIGEST_INVALID")
    func wrongDigestUpload() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = ClientTestSupport.client(for: registry)
        let reference = try ClientTestSupport.reference(registry.host, "team/app")
        let file = try ClientTestSupport.randomFile(50_000, in: directory)
        let claimed = Digest.sha256(Data("something else".utf8))

        let error = try await #require(throws: RegistryError.self) {
            try await client.uploadBlob(from: file.path, digest: claimed, size: Int64(file.data.count), to: reference)
        }
        #expect(error.status == 400)
        #expect(error.codes.contains("DIGEST_INVALID"))
        #expect(error.method == "PUT")
        #expect(!error.description.contains("\n"))
        #expect(try await client.blobExists(claimed, in: reference) == false)
        #expect(try await client.blobExists(file.digest, in: reference) == false)
    }

    @Test("a missing tag is nil for HEAD and not-found for GET; a missing blob is false")
    func missingThings() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        let reference = try ClientTestSupport.reference(registry.host, "team/app", tag: "v1")
        let raw = try await ClientTestSupport.pushImageBlobs(client, to: reference)
        try await client.putManifest(raw, to: reference)

        let missingTag = try reference.withTag("nope")
        #expect(try await client.headManifest(missingTag) == nil)
        let error = try await #require(throws: RegistryError.self) { try await client.getManifest(missingTag) }
        #expect(error.isNotFound)
        #expect(error.status == 404)
        #expect(error.codes == ["MANIFEST_UNKNOWN"])

        let missingDigest = reference.pinned(to: Digest.sha256(Data("no such manifest".utf8)))
        #expect(try await client.headManifest(missingDigest) == nil)
        #expect(try await client.blobExists(Digest.sha256(Data("no blob".utf8)), in: reference) == false)

        // distribution 2.8 answers MANIFEST_UNKNOWN (not NAME_UNKNOWN) for a manifest of an unknown repository, so
        // that is "does not exist" too; NAME_UNKNOWN as an error is covered with the fake server.
        let missingRepository = try ClientTestSupport.reference(registry.host, "no/such/repo", tag: "v1")
        #expect(try await client.headManifest(missingRepository) == nil)
    }

    @Test("content of unknown size goes up in PATCH chunks and verifies")
    func chunkedUpload() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        let reference = try ClientTestSupport.reference(registry.host, "team/chunked")
        let content = ClientTestSupport.randomData(300_000)
        let pieces = stride(from: 0, to: content.count, by: 10_000).map {
            content.subdata(in: $0..<min($0 + 10_000, content.count))
        }
        let descriptor = try await client.uploadBlob(
            streaming: {
                AsyncStream { continuation in
                    for piece in pieces { continuation.yield(piece) }
                    continuation.finish()
                }
            },
            minimumChunkSize: 64 * 1024, to: reference)
        #expect(descriptor.digest == Digest.sha256(content))
        #expect(descriptor.size == Int64(content.count))
        #expect(try await client.getBlob(descriptor.digest, from: reference) == content)
        let patches = registry.log().components(separatedBy: "\n").filter {
            $0.contains("PATCH") && $0.contains("/v2/team/chunked/blobs/uploads/")
        }
        #expect(patches.count >= 5)
    }

    @Test("an unknown host is reported at once, in one line naming it")
    func unknownHost() async throws {
        let client = ClientTestSupport.client()
        // `.invalid` never resolves (RFC 6761).
        let reference = try Reference("registry.imagespec-test.invalid/team/app:v1")
        let started = ContinuousClock.now
        let error = try await #require(throws: RegistryError.self) { try await client.headManifest(reference) }
        // Not retried (isTemporary is false) and not waiting out the 90 s connect timeout; the bound is loose
        // because DNS lookups of `.invalid` on a loaded 2-core CI machine can take several seconds each.
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(error.kind == .network)
        #expect(error.isTemporary == false)
        #expect(error.description.contains("registry.imagespec-test.invalid"))
        #expect(!error.description.contains("\n"))
    }

    @Test("a registry that is down is reported at once, in one line naming the host")
    func registryDown() async throws {
        // A port that was just listening and is closed now.
        let closed = try await FakeHTTPServer.start { _ in .text(200, "") }
        let port = closed.port
        await closed.shutdown()
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference("127.0.0.1:\(port)", "team/app")
        let started = ContinuousClock.now
        let error = try await #require(throws: RegistryError.self) { try await client.headManifest(reference) }
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(error.kind == .network)
        #expect(error.description.contains("127.0.0.1:\(port)"))
        #expect(!error.description.contains("\n"))
    }
}
