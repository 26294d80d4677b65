import Builder
import Foundation
import OCI
import Registry
import Spec
import TestSupport
import Testing

/// `platform: linux/amd64,linux/arm64` with a real binary wheel from PyPI (`pyyaml`, pinned: it ships manylinux
/// x86_64 and aarch64 wheels with a C extension) on a real two-architecture base index.
///
/// What runs and what does not: the amd64 child is unpacked and its `python3` imports the x86_64 extension in a
/// chroot. The arm64 base is Debian arm64 packages unpacked without running anything (no emulation on this machine,
/// see `scripts/python-base.sh`), so the arm64 child is only inspected: its config, its base layer and the ELF header
/// of the installed extension.
@Suite(.serialized) struct MultiPlatformTests {
    static let pyyaml = "pyyaml==6.0.2"

    /// `e_machine` of an ELF header (offset 18, little-endian for these targets); nil when `bytes` is not a 64-bit
    /// little-endian ELF file.
    static func elfMachine(_ bytes: Data) -> UInt16? {
        let header = [UInt8](bytes.prefix(20))
        guard header.count == 20, header[0..<4] == [0x7F, 0x45, 0x4C, 0x46], header[4] == 2, header[5] == 1 else {
            return nil
        }
        return UInt16(header[18]) | UInt16(header[19]) << 8
    }

    @Test func twoPlatformsFromPyPIWheelsPushAnIndexLast() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let base = try await PythonBaseFixture.pushMultiArch(to: registry)
        let directory = try makeTemporaryDirectory(prefix: "imagespec-multi")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec(
            """
            name: yaml-multi
            registry: \(registry.host)/acme
            base_image: \(base)
            packages: ["\(Self.pyyaml)"]
            platform: linux/amd64,linux/arm64
            """, in: directory)
        let options = try BuilderTestSupport.options(in: directory, flytekit: .none)
        let plan = try BuildPlan(loaded, options: options)
        let target = try #require(plan.target)
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).run(
            plan, destination: .registry(target))
        #expect(report.platforms.map(\.platform) == ["linux/amd64", "linux/arm64"])

        // The index, read back with skopeo: OCI index, both platforms, its digest is what the report says.
        let rawIndex = try ExternalTool.run(
            "skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(plan.imageName)"]
        ).check().stdoutData
        #expect(Digest.sha256(rawIndex).description == report.digest)
        let index = try JSONDecoder().decode(ImageIndex.self, from: rawIndex)
        #expect(index.mediaType == MediaType.ociIndex)
        #expect(index.manifests.map { $0.platform?.architecture } == ["amd64", "arm64"])
        #expect(index.manifests.map(\.digest.description) == report.platforms.map(\.digest))

        // The base's own index, to check that each child starts from the base manifest of its platform.
        let baseIndex = try JSONDecoder().decode(
            ImageIndex.self,
            from: try ExternalTool.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(base)"])
                .check().stdoutData)
        let repository = "\(registry.host)/acme/yaml-multi"
        let baseRepository = "\(registry.host)/library/python"
        let expected: [(architecture: String, machine: UInt16, soArch: String)] = [
            ("amd64", 62, "x86_64"), ("arm64", 183, "aarch64"),
        ]
        for (entry, want) in zip(index.manifests, expected) {
            let child = "docker://\(repository)@\(entry.digest)"
            let config = try JSONDecoder().decode(
                ImageConfig.self,
                from: try ExternalTool.run("skopeo", ["inspect", "--config", "--tls-verify=false", child]).check()
                    .stdoutData)
            #expect(config.architecture == want.architecture)
            #expect(config.os == "linux")
            let manifest = try JSONDecoder().decode(
                ImageManifest.self,
                from: try ExternalTool.run("skopeo", ["inspect", "--raw", "--tls-verify=false", child]).check()
                    .stdoutData)
            let baseEntry = try #require(baseIndex.manifests.first { $0.platform?.architecture == want.architecture })
            let baseManifest = try JSONDecoder().decode(
                ImageManifest.self,
                from: try ExternalTool.run(
                    "skopeo",
                    ["inspect", "--raw", "--tls-verify=false", "docker://\(baseRepository)@\(baseEntry.digest)"]
                ).check().stdoutData)
            #expect(
                Array(manifest.layers.prefix(baseManifest.layers.count)).map(\.digest)
                    == baseManifest.layers.map(\.digest))
            #expect(manifest.annotations?["org.opencontainers.image.base.digest"] == baseEntry.digest.description)

            // The layer holding pyyaml, pulled with skopeo, holds the extension built for this machine.
            let platformReport = try #require(report.platforms.first { $0.platform == "linux/\(want.architecture)" })
            let layer = try #require(platformReport.layers.first { $0.packages?.contains(Self.pyyaml) == true })
            let layout = directory + "/pulled-\(want.architecture)"
            try await ExternalTool.runAsync(
                "skopeo", ["copy", "-q", "--src-tls-verify=false", child, "oci:\(layout):image"]
            ).check()
            let blob = layout + "/blobs/sha256/" + (try Digest(layer.digest)).encoded
            let listing = try ExternalTool.run("tar", ["-tzf", blob]).check().stdout
            let extensions = listing.split(separator: "\n").filter {
                $0.hasPrefix("opt/imagespec/site-packages/yaml/_yaml.cpython-311-") && $0.hasSuffix(".so")
            }
            #expect(extensions == ["opt/imagespec/site-packages/yaml/_yaml.cpython-311-\(want.soArch)-linux-gnu.so"])
            let extensionPath = try #require(extensions.first.map(String.init))
            let elf = try ExternalTool.run("tar", ["-xzOf", blob, extensionPath]).check().stdoutData
            #expect(Self.elfMachine(elf) == want.machine)
        }

        // Children by digest first, the tag (index) last.
        let log = registry.log().split(separator: "\n")
        let childPuts = log.indices.filter {
            log[$0].contains("PUT /v2/acme/yaml-multi/manifests/sha256:")
        }
        let tagPut = try #require(log.lastIndex { $0.contains("PUT /v2/acme/yaml-multi/manifests/\(plan.tag)") })
        #expect(childPuts.count == 2)
        #expect(childPuts.allSatisfy { $0 < tagPut })

        // The amd64 child runs here: its python3 loads the x86_64 extension.
        let amd64 = try await UnpackedImage.unpack(
            "docker://\(repository)@\(index.manifests[0].digest)", into: directory + "/run-amd64")
        let result = try amd64.run(
            "python3 -c 'import yaml; print(yaml.__version__, yaml.__with_libyaml__, "
                + "yaml.dump({\"a\": [1]}, Dumper=yaml.CDumper).strip())'")
        #expect(try result.check().stdout == "6.0.2 True a:\n- 1\n")
    }
}
