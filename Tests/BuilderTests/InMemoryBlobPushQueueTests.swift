import Foundation
import Layers
import OCI
import Registry
import TestSupport
import Testing

@testable import Builder

/// `BlobPushQueue` against the in-memory registry (fast tier): base layers mounted, built layers and configs
/// uploaded, a digest offered by a second platform sent once and counted as existing there.
@Suite struct InMemoryBlobPushQueueTests {
    @Test("base mounted, layer and config uploaded, repeats sent once")
    func outcomes() async throws {
        let registry = try await InMemoryRegistry.start()
        let directory = try makeTemporaryDirectory(prefix: "imagespec-queue")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let client = RegistryClient(
            credentials: StaticCredentials.anonymous, configuration: RegistriesConfiguration(), retryPolicy: .none)
        let baseData = Data("base layer".utf8)
        let baseDigest = registry.seedBlob(baseData, in: "library/base")
        let base = Descriptor(mediaType: MediaType.ociLayerGzip, digest: baseDigest, size: Int64(baseData.count))
        let layerData = Data("built layer".utf8)
        let layerPath = directory + "/layer"
        try layerData.write(to: URL(fileURLWithPath: layerPath))
        let layer = LayerBlob(
            digest: Digest.sha256(layerData), diffID: Digest.sha256(Data("diff".utf8)), size: Int64(layerData.count),
            uncompressedSize: 4, mediaType: MediaType.ociLayerGzip, path: layerPath)
        let config = try Raw(
            encoding: ImageConfig(architecture: "amd64", os: "linux", rootfs: RootFS(diffIDs: [layer.diffID])),
            mediaType: MediaType.ociConfig)
        let target = try Reference("\(registry.host)/team/app:v1")
        let origin = try Reference("\(registry.host)/library/base:1")
        let options = try BuildOptions(
            flytekit: .none, sourceDateEpoch: 0, cacheRoot: directory + "/cache",
            environment: ["PATH": "/usr/bin:/bin"])
        let queue = BlobPushQueue(
            client: client, repository: target, store: BlobStore(directory: directory + "/blobs"), limit: 2,
            options: options)
        let amd64 = try Platform("linux/amd64")
        let arm64 = try Platform("linux/arm64")
        _ = try await queue.pushing {
            for platform in [amd64, arm64] {
                queue.enqueue(.base(base, from: origin), platform: platform)
                queue.enqueue(.built(layer), platform: platform)
                queue.enqueue(.config(config), platform: platform)
            }
            return true
        }
        let outcomes = queue.outcomes
        #expect(outcomes[amd64]?[baseDigest] == .mounted)
        #expect(outcomes[amd64]?[layer.digest] == .uploaded)
        #expect(outcomes[amd64]?[config.digest] == .uploaded)
        #expect(outcomes[arm64]?.values.allSatisfy { $0 == .existing } == true)
        #expect(outcomes[arm64]?.count == 3)
        #expect(registry.blob(layer.digest, in: "team/app") == layerData)
        #expect(registry.blob(config.digest, in: "team/app") == config.bytes)
        #expect(registry.blob(baseDigest, in: "team/app") == baseData)
        let uploads = registry.requests.filter { $0.method == "PUT" && $0.path.contains("/blobs/uploads/") }
        #expect(uploads.count == 2)
        await registry.shutdown()
    }
}
