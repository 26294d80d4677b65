import Foundation
import TestSupport
import Testing

/// The release binary (`scripts/build-release.sh`: static Swift runtime, Foundation, zlib, zstd, libstdc++) runs in
/// a chroot of the Debian python3 base, which has no Swift library at all: `--version`, `exists` and a `build` that
/// installs packages with uv and pushes to a loopback registry. `imagespec` and `uv` sit in `/opt/imagespec/bin`,
/// which is not on the chroot's `PATH`: the build finds uv only because it looks next to its own executable.
@Suite(.serialized) struct StaticBinaryChrootTests {
    static let glibcLibraries: Set<String> = [
        "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2",
    ]

    /// Runs `/opt/imagespec/bin/imagespec ARGUMENTS` chrooted into `rootfs`, with `/proc` and `/dev` mounted in a
    /// private mount namespace (gone when it exits) and only a minimal environment.
    static func chrooted(_ rootfs: String, _ arguments: [String]) async throws -> ToolResult {
        let script = """
            mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && root=$1 && shift && \
            exec chroot "$root" /opt/imagespec/bin/imagespec "$@"
            """
        let result = try await ExternalTool.runAsync(
            "unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", rootfs] + arguments,
            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"],
            inheritEnvironment: false, timeout: .seconds(600))
        print("---- imagespec \(arguments.joined(separator: " ")) (chroot) ----\n\(result.stdout)\(result.stderr)")
        return result
    }

    @Test func versionExistsAndBuildInAChrootWithoutSwift() async throws {
        let binary = try await ReleaseArtifacts.staticBinary()
        let needed = try ExternalTool.run("readelf", ["-d", binary]).check().stdout
            .split(separator: "\n").filter { $0.contains("(NEEDED)") }
            .compactMap { line in line.split(separator: "[").last?.split(separator: "]").first.map(String.init) }
        #expect(!needed.isEmpty && Set(needed).isSubset(of: Self.glibcLibraries), "NEEDED: \(needed)")

        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let base = try await PythonBaseFixture.push(to: registry)
        let directory = try makeTemporaryDirectory(prefix: "imagespec-chroot")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try await PythonBaseFixture.layout()
        try await ExternalTool.runAsync("umoci", ["unpack", "--image", layout.path + ":latest", directory + "/bundle"])
            .check()
        let rootfs = directory + "/bundle/rootfs"
        let swiftLibraries = try ExternalTool.run(
            "find", [rootfs, "-name", "libswift*", "-o", "-name", "libFoundation*"]
        )
        .check().stdout
        #expect(swiftLibraries.isEmpty, "the chroot must have no Swift libraries: \(swiftLibraries)")

        let bin = rootfs + "/opt/imagespec/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: binary, toPath: bin + "/imagespec")
        let uv = (try TestEnvironment.requireVenvPython() as NSString).deletingLastPathComponent + "/uv"
        try FileManager.default.copyItem(atPath: uv, toPath: bin + "/uv")
        try BuilderTestSupport.standardWheels(in: rootfs + "/work/wheels")
        try """
        name: chrooted
        registry: \(registry.host)/chroot
        base_image: \(base)
        packages: [hello_pkg, "dep_pkg==1.0"]
        pip_extra_args: --no-index --find-links /work/wheels

        """.write(toFile: rootfs + "/work/spec.yaml", atomically: true, encoding: .utf8)

        let version = try await Self.chrooted(rootfs, ["--version"]).check()
        #expect(version.stdout.hasPrefix("0.1.0 (commit "), "\(version.stdout)")

        let exists = try await Self.chrooted(rootfs, ["exists", "--json", base]).check()
        #expect(exists.stdout.contains("sha256:"))
        let missing = try await Self.chrooted(rootfs, ["exists", registry.host + "/chroot/none:1"])
        #expect(missing.status == 1)

        let built = try await Self.chrooted(rootfs, ["build", "/work/spec.yaml", "--quiet", "--no-flytekit"]).check()
        let pinned = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(pinned.hasPrefix(registry.host + "/chroot/chrooted:"))
        let parts = pinned.split(separator: "@").map(String.init)
        try #require(parts.count == 2, "not a pinned reference: \(pinned)")
        let (image, digest) = (parts[0], parts[1])
        let inspected = try ExternalTool.run(
            "skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://\(image)"]
        ).check()
        #expect(inspected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == digest)
        let unpacked = try await UnpackedImage.unpack("docker://\(image)", into: directory + "/built")
        let hello = try unpacked.run("python3 -c 'import hello_pkg; print(hello_pkg.__name__)'").check()
        #expect(hello.stdout.contains("hello_pkg"))
    }
}
