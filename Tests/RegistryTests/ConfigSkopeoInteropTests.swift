import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// The same registries.conf read by skopeo (containers/image, the reference implementation) and by
/// ``RegistriesConfiguration``: both must find the image at the same place — through a rewritten location and
/// through a mirror in front of an unreachable primary.
@Suite("registries.conf interop with skopeo", .enabled(if: ExternalTool.which("skopeo") != nil))
struct ConfigSkopeoInteropTests {
    @Test("prefix → location and mirror resolve to where skopeo finds the image")
    func sameResolutionAsSkopeo() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let image = try await BaseImageFixture.push(to: registry, repository: "base/busybox", tag: "1")

        let directory = try AuthTestDirectory("skopeo-conf")
        defer { directory.remove() }
        let path = try directory.write(
            """
            [[registry]]
            prefix = "ghcr.io/acme"
            location = "\(registry.host)/base"
            insecure = true

            [[registry]]
            prefix = "quay.io/mirrored"
            location = "primary.invalid/never"
            [[registry.mirror]]
            location = "\(registry.host)/base"
            insecure = true
            """, to: "registries.conf")
        let configuration = try RegistriesConfiguration.load(environment: ["IMAGESPEC_REGISTRIES_CONF": path])

        let rewritten = try configuration.resolve(try Reference("ghcr.io/acme/busybox:1"))
        #expect(rewritten.primary == RegistryEndpoint(host: registry.host, repository: "base/busybox", insecure: true))
        #expect(rewritten.primary.baseURL == "http://\(registry.host)")

        let mirrored = try configuration.resolve(try Reference("quay.io/mirrored/busybox:1"))
        #expect(
            mirrored.pullSources.map(\.description) == [
                "\(registry.host)/base/busybox", "primary.invalid/never/busybox",
            ])

        // skopeo, given the same file, must land on the image we pushed (same manifest digest) for both names.
        for name in ["ghcr.io/acme/busybox:1", "quay.io/mirrored/busybox:1"] {
            let result = try await ExternalTool.runAsync(
                "skopeo",
                [
                    "--registries-conf", path, "inspect", "--no-tags", "--retry-times", "1", "--format", "{{.Digest}}",
                    "docker://\(name)",
                ],
                environment: ["HOME": directory.path, "REGISTRY_AUTH_FILE": directory.file("auth.json")],
                timeout: .seconds(60))
            try result.check()
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == image.manifestDigest, "\(name)")
        }
    }
}
