import Foundation
import OCI
import TestSupport

@testable import Registry

/// Shared pieces of the registry client tests: clients with fast retries, random blobs, a tiny image.
enum ClientTestSupport {
    /// Retries with millisecond delays so failure tests stay fast; `Retry-After` up to 5 s is honoured.
    static let fastRetry = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100), maxRetryAfter: .seconds(5))

    /// A client with fixed credentials per host and an empty `registries.conf` (loopback hosts use plain http).
    static func client(
        _ credentials: [String: Credential] = [:], retry: RetryPolicy = fastRetry,
        configuration: RegistriesConfiguration = RegistriesConfiguration()
    ) -> RegistryClient {
        RegistryClient(credentials: StaticCredentials(credentials), configuration: configuration, retryPolicy: retry)
    }

    /// A client logged in to `registry` with its user and password (anonymous for `.none`).
    static func client(for registry: RegistryFixture, password: String? = nil) -> RegistryClient {
        guard let username = registry.username, let actual = registry.password else { return client() }
        return client([registry.host: .basic(username: username, password: password ?? actual)])
    }

    /// `host/repository:tag` as a ``Reference``.
    static func reference(_ host: String, _ repository: String, tag: String = "latest") throws -> Reference {
        try Reference("\(host)/\(repository):\(tag)")
    }

    /// `count` random bytes.
    static func randomData(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var words = [UInt64](repeating: 0, count: (count + 7) / 8)
        for index in words.indices { words[index] = generator.next() }
        return words.withUnsafeBytes { Data($0.prefix(count)) }
    }

    /// A file of `count` random bytes in `directory`, with its digest.
    static func randomFile(_ count: Int, in directory: String, name: String = "blob") throws -> (
        path: String, data: Data, digest: Digest
    ) {
        let data = randomData(count)
        let path = directory + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return (path, data, Digest.sha256(data))
    }

    /// A small but complete image: one random "layer" and an OCI config, pushed to `reference`'s repository, and
    /// the manifest (not yet pushed).
    static func pushImageBlobs(_ client: RegistryClient, to reference: Reference, layerSize: Int = 4096) async throws
        -> Raw<Manifest>
    {
        let layer = try await client.uploadBlob(
            randomData(layerSize), mediaType: MediaType.ociLayerGzip, to: reference)
        let config = ImageConfig(
            architecture: "amd64", os: "linux", rootfs: RootFS(diffIDs: [Digest.sha256(Data(UUID().uuidString.utf8))]))
        let configRaw = try Raw(encoding: config, mediaType: MediaType.ociConfig)
        let configDescriptor = try await client.uploadBlob(
            configRaw.bytes, mediaType: MediaType.ociConfig, to: reference)
        return try Raw(encoding: Manifest.image(ImageManifest(config: configDescriptor, layers: [layer])))
    }

    /// A temporary directory removed by the caller.
    static func temporaryDirectory() throws -> String {
        try makeTemporaryDirectory(prefix: "imagespec-client")
    }
}
