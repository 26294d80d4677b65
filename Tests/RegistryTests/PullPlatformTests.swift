import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// From an index to the image for one platform, against a real `docker-registry`.
@Suite("registry client: platform resolution")
struct PullPlatformTests {
    @Test("an index resolves to the matching child (arm64 = arm64/v8, attestations skipped); no match names the offer")
    func resolvesPlatform() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        let reference = try ClientTestSupport.reference(registry.host, "multi/app", tag: "v1")

        var entries: [Descriptor] = []
        var children: [String: Raw<Manifest>] = [:]
        for platform in [Platform.linuxAMD64, Platform(os: "linux", architecture: "arm64", variant: "v8")] {
            let raw = try await ClientTestSupport.pushImageBlobs(client, to: reference, layerSize: 1000)
            try await client.putManifest(raw, to: reference.pinned(to: raw.digest))
            var entry = raw.descriptor
            entry.platform = platform
            entries.append(entry)
            children[platform.architecture] = raw
        }
        // A BuildKit-style attestation entry first: it must never be chosen.
        let attestation = try await ClientTestSupport.pushImageBlobs(client, to: reference, layerSize: 10)
        try await client.putManifest(attestation, to: reference.pinned(to: attestation.digest))
        var attestationEntry = attestation.descriptor
        attestationEntry.platform = Platform.unknown
        attestationEntry.annotations = ["vnd.docker.reference.type": "attestation-manifest"]
        let index = try Raw(encoding: Manifest.index(ImageIndex(manifests: [attestationEntry] + entries)))
        try await client.putManifest(index, to: reference)

        let arm = try await client.resolve(reference, platform: Platform("linux/arm64"))
        #expect(arm.raw.bytes == children["arm64"]?.bytes)
        #expect(arm.reference.digest == children["arm64"]?.digest)
        #expect(arm.index?.digest == index.digest)
        let amd = try await client.resolve(reference, platform: .linuxAMD64)
        #expect(amd.descriptor.digest == children["amd64"]?.digest)

        // An image manifest resolves to itself.
        let direct = try await client.resolve(amd.reference, platform: .linuxAMD64)
        #expect(direct.raw.bytes == amd.raw.bytes)
        #expect(direct.index == nil)

        let error = try await #require(throws: RegistryError.self) {
            try await client.resolve(reference, platform: Platform("linux/s390x"))
        }
        #expect(error.kind == .notFound)
        #expect(error.description.contains("linux/amd64"))
        #expect(error.description.contains("linux/arm64"))
        #expect(!error.description.contains("unknown/unknown"))
    }
}
