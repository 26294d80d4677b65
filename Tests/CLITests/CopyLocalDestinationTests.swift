import Foundation
import TestSupport
import Testing

/// `imagespec copy SRC oci:DIR[:TAG]` and `docker-archive:FILE[:NAME]`: what it writes is read back by skopeo and
/// unpacked by umoci, independently of imagespec.
@Suite("copy to local destinations: oci: and docker-archive:", .timeLimit(.minutes(5)))
struct CopyLocalDestinationTests {
    @Test("copy to oci:DIR:TAG — skopeo inspects it with the same digest, umoci unpacks it; a second tag extends it")
    func copyToOCILayout() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(to: registry, repository: "local/base", tag: "1")
        let layout = sandbox.root + "/layout"

        let result = try await CLI.run(["copy", base.reference, "oci:\(layout):v1", "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result)
        #expect(report["digest"] as? String == base.manifestDigest)
        #expect(report["destination"] as? String == "oci:\(layout):v1")

        let raw = try ExternalTool.run("skopeo", ["inspect", "--raw", "oci:\(layout):v1"]).check().stdoutData
        #expect(sha256Digest(raw) == base.manifestDigest)
        let rootless = getuid() == 0 ? [] : ["--rootless"]
        try ExternalTool.run(
            "umoci", ["unpack"] + rootless + ["--image", "\(layout):v1", sandbox.root + "/bundle"]
        ).check()
        #expect(FileManager.default.fileExists(atPath: sandbox.root + "/bundle/rootfs/bin/busybox"))

        // Same layout, another tag: both names resolve, blobs are not written twice.
        let again = try await CLI.run(["copy", base.reference, "oci:\(layout):v2", "--json"], in: sandbox)
        #expect(again.status == 0, "\(again.stderr)")
        let summary = try #require(try CLI.json(again)["summary"] as? [String: Any])
        #expect(summary["uploaded"] as? Int == 0)
        for tag in ["v1", "v2"] {
            let bytes = try ExternalTool.run("skopeo", ["inspect", "--raw", "oci:\(layout):\(tag)"]).check().stdoutData
            #expect(sha256Digest(bytes) == base.manifestDigest)
        }
    }

    @Test("copy to docker-archive:FILE:NAME — skopeo reads it back into an OCI layout that umoci unpacks")
    func copyToDockerArchive() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(to: registry, repository: "local/archive", tag: "1")
        let archive = sandbox.root + "/image.tar"

        let result = try await CLI.run(
            ["copy", base.reference, "docker-archive:\(archive):local/archive:1"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: archive))
        #expect(!FileManager.default.fileExists(atPath: archive + ".imagespec-tmp"))

        let inspected = try ExternalTool.run("skopeo", ["inspect", "docker-archive:\(archive)"]).check()
        let object = try #require(try JSONSerialization.jsonObject(with: inspected.stdoutData) as? [String: Any])
        #expect((object["Layers"] as? [String])?.count == 1)
        let entries = try ExternalTool.run("tar", ["-xOf", archive, "manifest.json"]).check().stdoutData
        let entry = try #require((try JSONSerialization.jsonObject(with: entries) as? [[String: Any]])?.first)
        #expect(entry["RepoTags"] as? [String] == ["local/archive:1"])
        try ExternalTool.run(
            "skopeo", ["copy", "docker-archive:\(archive)", "oci:\(sandbox.root)/from-archive:x"]
        ).check()
        let rootless = getuid() == 0 ? [] : ["--rootless"]
        try ExternalTool.run(
            "umoci", ["unpack"] + rootless + ["--image", "\(sandbox.root)/from-archive:x", sandbox.root + "/bundle"]
        ).check()
        #expect(FileManager.default.fileExists(atPath: sandbox.root + "/bundle/rootfs/bin/busybox"))
    }

    @Test("an index to a docker archive is refused with one line naming --platform; bad destinations name the text")
    func refusals() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let index = try await MultiPlatformImage.push(to: registry, repository: "local/multi", tag: "1")
        let archive = sandbox.root + "/multi.tar"
        let refused = try await CLI.run(["copy", index.reference, "docker-archive:\(archive)"], in: sandbox)
        #expect(refused.status == 2)
        let lines = CLI.errorLines(refused)
        #expect(lines.count == 1 && lines.first?.contains("--platform") == true, "\(lines)")
        #expect(!FileManager.default.fileExists(atPath: archive))
        #expect(!FileManager.default.fileExists(atPath: archive + ".imagespec-tmp"))

        let one = try await CLI.run(
            ["copy", index.reference, "docker-archive:\(archive)", "--platform", "linux/arm64"], in: sandbox)
        #expect(one.status == 0, "\(one.stderr)")

        for bad in ["oci:", "docker-archive:", "oci:\(sandbox.root)/x:-bad"] {
            let result = try await CLI.run(["copy", index.reference, bad], in: sandbox)
            #expect(result.status == 2)
            #expect(CLI.errorLines(result).count == 1 && result.stderr.contains(bad), "\(result.stderr)")
        }
    }
}
