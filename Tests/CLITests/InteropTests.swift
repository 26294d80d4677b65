import Foundation
import TestSupport
import Testing

/// Interop both ways: images built by umoci and pushed by skopeo are inspected and copied by `imagespec`; what
/// `imagespec copy` writes is read back by skopeo (`inspect --raw`, `copy … oci:`) and unpacked by umoci.
@Suite("Interop: skopeo/umoci ↔ imagespec", .timeLimit(.minutes(5)))
struct InteropTests {
    @Test("inspect reads a skopeo-pushed image: digest, layers, config summary, exact --raw bytes")
    func inspectSkopeoImage() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(to: registry, repository: "interop/base", tag: "1")
        let skopeoRaw = try await Oracle.rawManifest(base.reference)
        let manifest = try #require(try JSONSerialization.jsonObject(with: skopeoRaw) as? [String: Any])
        let layers = try #require(manifest["layers"] as? [[String: Any]])

        let result = try await CLI.run(["inspect", base.reference, "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result)
        #expect(report["digest"] as? String == base.manifestDigest)
        #expect(report["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        #expect(report["pinned"] as? String == base.digestReference)
        let reportedLayers = try #require(report["layers"] as? [[String: Any]])
        #expect(reportedLayers.map { $0["digest"] as? String } == layers.map { $0["digest"] as? String })
        #expect(
            reportedLayers.map { ($0["size"] as? NSNumber)?.int64Value }
                == layers.map {
                    ($0["size"] as? NSNumber)?.int64Value
                })
        let config = try #require(report["config"] as? [String: Any])
        #expect(config["platform"] as? String == "linux/amd64")
        #expect(config["cmd"] as? [String] == ["/bin/sh"])
        #expect((config["env"] as? [String])?.contains { $0.hasPrefix("PATH=") } == true)
        #expect(config["labels"] as? [String: String] == ["org.imagespec.test": "base"])
        #expect((config["historyEntries"] as? Int ?? 0) >= 1)

        let raw = try await CLI.run(["inspect", base.reference, "--raw"], in: sandbox)
        #expect(raw.status == 0)
        #expect(raw.stdoutData == skopeoRaw)
        #expect(sha256Digest(raw.stdoutData) == base.manifestDigest)

        let text = try await CLI.run(["inspect", base.reference], in: sandbox)
        #expect(text.status == 0)
        #expect(text.stdout.contains(base.manifestDigest))
        #expect(text.stdout.contains("linux/amd64"))
        #expect(text.stdout.contains("org.imagespec.test=base"))
    }

    @Test("inspect reads a Docker schema 2 image pushed by skopeo --format v2s2")
    func inspectDockerSchema2() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(
            to: registry, repository: "interop/docker", tag: "v2s2", format: .dockerV2S2)
        let result = try await CLI.run(["inspect", base.reference, "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result)
        #expect(report["digest"] as? String == base.manifestDigest)
        #expect(report["mediaType"] as? String == "application/vnd.docker.distribution.manifest.v2+json")
        let config = try #require(report["config"] as? [String: Any])
        #expect(config["mediaType"] as? String == "application/vnd.docker.container.image.v1+json")
    }

    @Test("copy to another registry: skopeo reads the same bytes back, and umoci unpacks the rootfs")
    func copyReadBackBySkopeoAndUmoci() async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start()
        defer { target.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(
            to: source, repository: "interop/src", tag: "1",
            extraFiles: ["etc/imagespec-marker": "copied by imagespec\n"])
        let destination = target.reference("interop/dst", tag: "copied")

        let result = try await CLI.run(["copy", base.reference, destination, "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result)
        #expect(report["digest"] as? String == base.manifestDigest)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["uploaded"] as? Int == 2)  // one layer + config, nothing to skip or mount
        #expect(summary["mounted"] as? Int == 0)

        #expect(try await Oracle.rawManifest(destination) == Oracle.rawManifest(base.reference))
        let scratch = try makeTemporaryDirectory(prefix: "imagespec-unpack")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let rootfs = try await Oracle.pullAndUnpack(destination, into: scratch)
        #expect(
            try String(contentsOfFile: rootfs + "/etc/imagespec-marker", encoding: .utf8) == "copied by imagespec\n")

        // Copying again uploads nothing: every blob is already there.
        let again = try await CLI.run(["copy", base.reference, destination, "--json"], in: sandbox)
        #expect(again.status == 0, "\(again.stderr)")
        let againSummary = try #require(try CLI.json(again)["summary"] as? [String: Any])
        #expect(againSummary["skipped"] as? Int == 2)
        #expect(againSummary["bytesUploaded"] as? Int == 0)
    }

    @Test("a multi-platform index pushed by skopeo --all: inspect lists it, --platform selects a child")
    func inspectIndex() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let image = try await MultiPlatformImage.push(to: registry, repository: "interop/multi", tag: "1")
        #expect(try await Oracle.rawManifest(image.reference) == image.indexBytes)

        let result = try await CLI.run(["inspect", image.reference, "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result)
        #expect(report["digest"] as? String == sha256Digest(image.indexBytes))
        #expect(report["mediaType"] as? String == "application/vnd.oci.image.index.v1+json")
        let platforms = try #require(report["platforms"] as? [[String: Any]])
        #expect(platforms.map { $0["platform"] as? String } == ["linux/amd64", "linux/arm64"])
        #expect(
            platforms.map { $0["digest"] as? String } == [image.childDigests["amd64"], image.childDigests["arm64"]])

        let arm = try await CLI.run(
            ["inspect", image.reference, "--platform", "linux/arm64/v8", "--json"], in: sandbox)
        #expect(arm.status == 0, "\(arm.stderr)")
        let armReport = try CLI.json(arm)
        #expect(armReport["digest"] as? String == image.childDigests["arm64"])
        #expect((armReport["config"] as? [String: Any])?["architecture"] as? String == "arm64")
        #expect((armReport["index"] as? [String: Any])?["digest"] as? String == sha256Digest(image.indexBytes))

        let raw = try await CLI.run(["inspect", image.reference, "--platform", "linux/arm64", "--raw"], in: sandbox)
        #expect(raw.status == 0)
        #expect(sha256Digest(raw.stdoutData) == image.childDigests["arm64"])
        #expect(
            try await raw.stdoutData
                == Oracle.rawManifest(registry.host + "/interop/multi@" + image.childDigests["arm64"]!))

        let missing = try await CLI.run(["inspect", image.reference, "--platform", "linux/s390x"], in: sandbox)
        #expect(missing.status == 2)
        #expect(CLI.errorLines(missing).count == 1)
        #expect(missing.stderr.contains("linux/s390x") && missing.stderr.contains("linux/arm64"))
    }

    @Test("copy of a whole index (default and --all-platforms) is read back by skopeo copy --all and umoci")
    func copyWholeIndex() async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start()
        defer { target.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let image = try await MultiPlatformImage.push(to: source, repository: "interop/multi", tag: "2")

        for (tag, flags) in [("default", [String]()), ("all", ["--all-platforms"])] {
            let destination = target.reference("interop/multi-copy", tag: tag)
            let result = try await CLI.run(["copy", image.reference, destination, "--json"] + flags, in: sandbox)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try CLI.json(result)
            #expect(report["digest"] as? String == sha256Digest(image.indexBytes))
            let manifests = try #require(report["manifests"] as? [[String: Any]])
            // Children first (by digest), the index last (by tag).
            #expect(
                manifests.map { $0["digest"] as? String } == [
                    image.childDigests["amd64"], image.childDigests["arm64"], sha256Digest(image.indexBytes),
                ])
            #expect(manifests.last?["pushedAs"] as? String == tag)
            #expect(try await Oracle.rawManifest(destination) == image.indexBytes)
            for digest in image.childDigests.values {
                #expect(
                    try await Oracle.rawManifest(target.host + "/interop/multi-copy@" + digest)
                        == Oracle.rawManifest(source.host + "/interop/multi@" + digest))
            }
        }

        // skopeo can copy every platform out of what imagespec wrote; umoci unpacks the arm64 image.
        let scratch = try makeTemporaryDirectory(prefix: "imagespec-multi-read")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await ExternalTool.runAsync(
            "skopeo",
            [
                "copy", "--all", "--src-tls-verify=false",
                "docker://" + target.reference("interop/multi-copy", tag: "all"), "oci:\(scratch)/all:copy",
            ]
        ).check()
        let armDigest = try #require(image.childDigests["arm64"])
        let rootfs = try await Oracle.pullAndUnpack(target.host + "/interop/multi-copy@" + armDigest, into: scratch)
        #expect(
            try String(contentsOfFile: rootfs + "/platform.txt", encoding: .utf8) == MultiPlatformImage.marker("arm64"))
    }

    @Test("copy --platform writes only that platform's image, tagged at the destination")
    func copyOnePlatform() async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start()
        defer { target.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let image = try await MultiPlatformImage.push(to: source, repository: "interop/multi", tag: "3")
        let destination = target.reference("interop/arm-only", tag: "1")

        let result = try await CLI.run(
            ["copy", image.reference, destination, "--platform", "linux/arm64", "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result)
        #expect(report["digest"] as? String == image.childDigests["arm64"])
        #expect(report["sourceDigest"] as? String == sha256Digest(image.indexBytes))
        #expect((report["manifests"] as? [Any])?.count == 1)

        let copied = try await Oracle.rawManifest(destination)
        #expect(sha256Digest(copied) == image.childDigests["arm64"])
        let config = try await ExternalTool.runAsync(
            "skopeo", ["inspect", "--config", "--tls-verify=false", "docker://\(destination)"]
        ).check()
        let parsed = try #require(try JSONSerialization.jsonObject(with: config.stdoutData) as? [String: Any])
        #expect(parsed["architecture"] as? String == "arm64")
        // The amd64 child was not copied.
        let amdDigest = try #require(image.childDigests["amd64"])
        #expect(
            try await Oracle.manifestStatus(host: target.host, repository: "interop/arm-only", tag: amdDigest) == 404)

        let scratch = try makeTemporaryDirectory(prefix: "imagespec-arm-read")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let rootfs = try await Oracle.pullAndUnpack(destination, into: scratch)
        #expect(
            try String(contentsOfFile: rootfs + "/platform.txt", encoding: .utf8) == MultiPlatformImage.marker("arm64"))
    }
}
