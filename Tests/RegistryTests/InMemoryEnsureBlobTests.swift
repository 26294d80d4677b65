import Foundation
import OCI
import TestSupport
import Testing

@testable import Registry

/// `RegistryClient.ensureBlob` and `imageConfig(of:in:)` against the in-memory registry (fast tier): every way a
/// blob gets into a repository, and the failures that must not lose it.
@Suite struct InMemoryEnsureBlobTests {
    static func descriptor(_ data: Data, mediaType: String = MediaType.ociLayerGzip) -> Descriptor {
        Descriptor(mediaType: mediaType, digest: Digest.sha256(data), size: Int64(data.count))
    }

    static func noFetch() -> @Sendable () async throws(RegistryError) -> String {
        { () async throws(RegistryError) -> String in
            Issue.record("fetch must not be called")
            throw RegistryError(kind: .io, message: "unexpected fetch")
        }
    }

    @Test("a file is uploaded once, then found existing with one HEAD")
    func uploadThenExisting() async throws {
        let registry = try await InMemoryRegistry.start()
        let directory = try makeTemporaryDirectory(prefix: "imagespec-ensure")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = ClientTestSupport.client()
        let file = try ClientTestSupport.randomFile(3000, in: directory)
        let target = try ClientTestSupport.reference(registry.host, "team/app")
        let blob = Self.descriptor(file.data)
        #expect(try await client.ensureBlob(blob, in: target, from: .file(path: file.path)) == .uploaded)
        #expect(registry.blob(blob.digest, in: "team/app") == file.data)
        let before = registry.requests.count
        #expect(try await client.ensureBlob(blob, in: target, from: .file(path: file.path)) == .existed)
        #expect(registry.requests.count - before == 1)
        #expect(registry.requests.last?.method == "HEAD")
        await registry.shutdown()
    }

    @Test("bytes whose digest is not the descriptor's are refused before any upload")
    func dataDigestChecked() async throws {
        let registry = try await InMemoryRegistry.start()
        let client = ClientTestSupport.client()
        let target = try ClientTestSupport.reference(registry.host, "team/app")
        let wrong = Self.descriptor(Data("other".utf8), mediaType: MediaType.ociConfig)
        await #expect(throws: RegistryError.self) {
            try await client.ensureBlob(wrong, in: target, from: .data(Data("config".utf8)))
        }
        #expect(!registry.requests.contains { $0.method == "POST" })
        let right = Self.descriptor(Data("config".utf8), mediaType: MediaType.ociConfig)
        #expect(try await client.ensureBlob(right, in: target, from: .data(Data("config".utf8))) == .uploaded)
        await registry.shutdown()
    }

    @Test("another repository on the same registry: mounted, never fetched")
    func mountedFromSameRegistry() async throws {
        let registry = try await InMemoryRegistry.start()
        let client = ClientTestSupport.client()
        let data = ClientTestSupport.randomData(2048)
        registry.seedBlob(data, in: "library/base")
        let origin = try ClientTestSupport.reference(registry.host, "library/base")
        let target = try ClientTestSupport.reference(registry.host, "team/app")
        let placement = try await client.ensureBlob(
            Self.descriptor(data), in: target, from: .repository(origin, fetch: Self.noFetch()))
        #expect(placement == .mounted)
        #expect(registry.blob(Digest.sha256(data), in: "team/app") == data)
        await registry.shutdown()
    }

    @Test("a mount that fails (500) falls back to fetch and upload")
    func failedMountFallsBack() async throws {
        let registry = try await InMemoryRegistry.start(faults: .init(mountStatus: 500))
        let directory = try makeTemporaryDirectory(prefix: "imagespec-ensure")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = ClientTestSupport.client(retry: .none)
        let file = try ClientTestSupport.randomFile(1024, in: directory)
        registry.seedBlob(file.data, in: "library/base")
        let origin = try ClientTestSupport.reference(registry.host, "library/base")
        let target = try ClientTestSupport.reference(registry.host, "team/app")
        let placement = try await client.ensureBlob(
            Self.descriptor(file.data), in: target,
            from: .repository(origin) { () async throws(RegistryError) -> String in file.path })
        #expect(placement == .uploaded)
        #expect(registry.blob(file.digest, in: "team/app") == file.data)
        await registry.shutdown()
    }

    @Test("a foreign layer is left alone: no request at all")
    func foreignLayer() async throws {
        let registry = try await InMemoryRegistry.start()
        let client = ClientTestSupport.client()
        let target = try ClientTestSupport.reference(registry.host, "team/app")
        let foreign = Descriptor(
            mediaType: MediaType.dockerForeignLayerGzip, digest: Digest.sha256(Data("w".utf8)), size: 1,
            urls: ["https://example.invalid/layer"])
        #expect(try await client.ensureBlob(foreign, in: target, from: .data(Data("w".utf8))) == .foreign)
        #expect(registry.requests.isEmpty)
        await registry.shutdown()
    }

    @Test("imageConfig: fetched, verified and decoded; a config that is not one is an invalidResponse")
    func imageConfig() async throws {
        let registry = try await InMemoryRegistry.start()
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference(registry.host, "team/app")
        let manifest = try await ClientTestSupport.pushImageBlobs(client, to: reference)
        guard case .image(let image) = manifest.value else { throw TestSupportError("not an image") }
        let config = try await client.imageConfig(of: image, in: reference)
        #expect(config.platform == (try Platform("linux/amd64")))

        let junk = Data("{\"architecture\": 5}".utf8)
        registry.seedBlob(junk, in: "team/app")
        var broken = image
        broken.config = Self.descriptor(junk, mediaType: MediaType.ociConfig)
        do throws(RegistryError) {
            _ = try await client.imageConfig(of: broken, in: reference)
            Issue.record("a config that does not decode must throw")
        } catch {
            #expect(error.kind == .invalidResponse)
        }
        await registry.shutdown()
    }

    @Test("ImageCopier: mounts across repositories; marks which side failed")
    func copierSides() async throws {
        let registry = try await InMemoryRegistry.start()
        let client = ClientTestSupport.client(retry: .none)
        let source = try ClientTestSupport.reference(registry.host, "team/source", tag: "v1")
        let manifest = try await ClientTestSupport.pushImageBlobs(client, to: source)
        try await client.putManifest(manifest, to: source)
        let copier = ImageCopier(client: client)

        let report = try await copier.copy(
            from: source, to: try ClientTestSupport.reference(registry.host, "team/copy", tag: "v1"))
        #expect(report.blobs.allSatisfy { $0.action == .mounted })
        #expect(registry.manifest("v1", in: "team/copy") == manifest.bytes)

        let missing = try ClientTestSupport.reference(registry.host, "team/missing", tag: "v1")
        let second = try ClientTestSupport.reference(registry.host, "team/copy", tag: "v2")
        do throws(RegistryError) {
            _ = try await copier.copy(from: missing, to: second)
            Issue.record("copying a missing source must throw")
        } catch {
            #expect(error.side == .source)
        }

        registry.setFaults(.init(readOnlyRepositories: ["team/locked"]))
        let locked = try ClientTestSupport.reference(registry.host, "team/locked")
        do throws(RegistryError) {
            _ = try await copier.copy(from: source, to: locked)
            Issue.record("copying to a read-only repository must throw")
        } catch {
            #expect(error.side == .destination)
        }
        await registry.shutdown()
    }
}
