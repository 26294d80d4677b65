import Foundation
import TestSupport
import Testing

/// The imagespec image (examples/imagespec-image.yaml) built by the release binary itself, with its Python base mapped
/// to a loopback copy of the Debian python base, and then used as a CI job would: its entrypoint binary, chrooted
/// into the image with the image's own environment, builds another spec and pushes it.
@Suite(.serialized) struct ImagespecImageTests {
    /// Runs `command` (argv) chrooted into `rootfs` with `/proc` and `/dev` mounted in a private mount namespace
    /// (gone when it exits) and only `environment`.
    static func chrooted(_ rootfs: String, _ command: [String], environment: [String]) async throws -> ToolResult {
        let script = """
            mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && root=$1 && shift && \
            cd "$root/root" && exec chroot "$root" "$@"
            """
        let variables = Dictionary(
            environment.compactMap { entry -> (String, String)? in
                guard let equals = entry.firstIndex(of: "=") else { return nil }
                return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
            }, uniquingKeysWith: { _, last in last })
        let result = try await ExternalTool.runAsync(
            "unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", rootfs] + command,
            environment: variables.merging(["HOME": "/root"]) { current, _ in current }, inheritEnvironment: false,
            timeout: .seconds(900))
        print("---- \(command.joined(separator: " ")) (chroot) ----\n\(result.stdout)\(result.stderr)")
        return result
    }

    @Test func theImageBuildsAnotherSpecAndPushesIt() async throws {
        let binary = try await ReleaseArtifacts.staticBinary()
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let directory = try makeTemporaryDirectory(prefix: "imagespec-image")
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // The example as committed, with only its registry pointed at the loopback registry.
        let example = try String(
            contentsOfFile: TestEnvironment.repoRoot + "/examples/imagespec-image.yaml", encoding: .utf8)
        let lines = example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.filter { $0.hasPrefix("registry: ") }.count == 1)
        let spec =
            lines.map { $0.hasPrefix("registry: ") ? "registry: \(registry.host)/tools" : $0 }
            .joined(separator: "\n")
        try spec.write(toFile: directory + "/imagespec-image.yaml", atomically: true, encoding: .utf8)
        let context = directory + "/context"
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: binary, toPath: context + "/imagespec")

        // docker.io/library/python:3.11-slim-bookworm → the Debian python base on loopback.
        try await PythonBaseFixture.push(to: registry, repository: "hub/library/python", tag: "3.11-slim-bookworm")
        try """
        [[registry]]
        prefix = "docker.io/library/python"
        location = "\(registry.host)/hub/library/python"

        """.write(toFile: directory + "/registries.conf", atomically: true, encoding: .utf8)
        let outer = try await ExternalTool.runAsync(
            binary,
            ["build", directory + "/imagespec-image.yaml", "--cwd", context, "--no-flytekit", "--quiet"],
            environment: [
                "IMAGESPEC_REGISTRIES_CONF": directory + "/registries.conf",
                "UV_CACHE_DIR": directory + "/uv-cache", "HOME": directory,
            ], timeout: .seconds(900))
        print("---- outer build ----\n\(outer.stdout)\(outer.stderr)")
        try outer.check()
        let built = outer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(built.hasPrefix(registry.host + "/tools/imagespec:"), "\(built)")
        let tagged = try #require(built.split(separator: "@").first.map(String.init))

        let image = try await UnpackedImage.unpack("docker://\(tagged)", into: directory + "/image")
        let config =
            try JSONSerialization.jsonObject(
                with: try Data(contentsOf: URL(fileURLWithPath: image.bundle + "/config.json"))) as? [String: Any]
        let process = try #require(config?["process"] as? [String: Any])
        #expect(process["args"] as? [String] == ["/root/imagespec"])
        #expect(FileManager.default.isExecutableFile(atPath: image.rootfs + "/root/imagespec"))
        let swiftLibraries = try ExternalTool.run(
            "find", [image.rootfs, "-name", "libswift*", "-o", "-name", "libFoundation*"]
        ).check().stdout
        #expect(swiftLibraries.isEmpty, "the image must need no Swift libraries: \(swiftLibraries)")

        // Inside the image: its PATH finds uv (from the uv package), its entrypoint builds a spec from local wheels
        // on the python base and pushes it to the loopback registry.
        let version = try await Self.chrooted(
            image.rootfs, ["/root/imagespec", "--version"], environment: image.environment
        )
        .check()
        #expect(version.stdout.hasPrefix("0.1.0 (commit "))
        let uv = try await Self.chrooted(
            image.rootfs, ["/bin/sh", "-c", "command -v uv && uv --version"],
            environment: image.environment
        ).check()
        #expect(uv.stdout.contains("uv 0.13.8"), "\(uv.stdout)")
        let base = try await PythonBaseFixture.push(to: registry)
        try BuilderTestSupport.standardWheels(in: image.rootfs + "/work/wheels")
        try """
        name: inner
        registry: \(registry.host)/built
        base_image: \(base)
        packages: [hello_pkg]
        pip_extra_args: --no-index --find-links /work/wheels

        """.write(toFile: image.rootfs + "/work/spec.yaml", atomically: true, encoding: .utf8)
        let inner = try await Self.chrooted(
            image.rootfs, ["/root/imagespec", "build", "/work/spec.yaml", "--no-flytekit", "--quiet"],
            environment: image.environment
        ).check()
        let pinned = inner.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = pinned.split(separator: "@").map(String.init)
        try #require(parts.count == 2 && parts[0].hasPrefix(registry.host + "/built/inner:"), "\(pinned)")
        let digest = try ExternalTool.run(
            "skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://\(parts[0])"]
        ).check().stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(digest == parts[1])
        let result = try await UnpackedImage.unpack("docker://\(parts[0])", into: directory + "/inner")
        #expect(try result.run("hello-cli").check().stdout == "hello-cli says 42\n")
    }
}
