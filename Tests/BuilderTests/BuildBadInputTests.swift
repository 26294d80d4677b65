import Builder
import Foundation
import OCI
import TestSupport
import Testing

/// `imagespec build` with input it cannot build, as a user runs it: one line on standard error, a non-zero exit, and
/// no tag (no manifest at all) in the target repository.
@Suite(.serialized) struct BuildBadInputTests {
    /// Runs the binary on `yaml` (written to `directory/spec.yaml`) with a private uv cache.
    func run(
        _ yaml: String, in directory: String, cacheDirectory: String? = nil, environment extra: [String: String] = [:]
    ) async throws -> ToolResult {
        let binary = try TestEnvironment.requireImagespecBinary()
        let spec = directory + "/spec.yaml"
        try yaml.write(toFile: spec, atomically: true, encoding: .utf8)
        var environment = BuilderTestSupport.uvEnvironment(cache: directory + "/uv-cache")
        environment.merge(extra) { _, new in new }
        return try await ExternalTool.runAsync(
            binary, ["build", spec, "--quiet", "--cache-dir", cacheDirectory ?? directory + "/layer-cache"],
            environment: environment, unsetting: [FlytekitSettings.forcePushVariable], timeout: .seconds(300))
    }

    /// One line on standard error, non-zero exit.
    func expectOneLineFailure(_ result: ToolResult, mentioning words: [String]) {
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        for word in words {
            #expect(result.stderr.contains(word), "stderr should mention \(word): \(result.stderr)")
        }
    }

    /// Nothing of `repository` (no manifest, so no tag) is stored in `registry`.
    func expectNoManifest(in registry: RegistryFixture, repository: String) {
        let manifests = registry.storagePath + "/docker/registry/v2/repositories/\(repository)/_manifests"
        #expect(!FileManager.default.fileExists(atPath: manifests), "\(manifests) exists")
    }

    @Test func registryThatRefusesThePush() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let base = try await PythonBaseFixture.push(to: registry)
        // From now on only a pull-only account exists.
        try registry.updateTokenConfig(
            TokenServerConfig(accounts: [
                .init(username: "reader", password: "reader-secret-pw", grants: [.repository("*", actions: ["pull"])])
            ]))
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try BuilderTestSupport.standardWheels(in: directory + "/wheels")
        try FileManager.default.createDirectory(atPath: directory + "/docker", withIntermediateDirectories: true)
        let auth = Data("reader:reader-secret-pw".utf8).base64EncodedString()
        try #"{"auths":{"\#(registry.host)":{"auth":"\#(auth)"}}}"#.write(
            toFile: directory + "/docker/config.json", atomically: true, encoding: .utf8)
        let result = try await run(
            """
            name: refused
            registry: \(registry.host)/acme
            base_image: \(base)
            packages: [hello_pkg]
            pip_extra_args: --no-index --find-links \(directory)/wheels
            """, in: directory, environment: ["DOCKER_CONFIG": directory + "/docker"])
        expectOneLineFailure(result, mentioning: [registry.host + "/acme/refused"])
        #expect(!result.stderr.contains("reader-secret-pw") && !result.stderr.contains(auth))
        expectNoManifest(in: registry, repository: "acme/refused")
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func diskFillingUp() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let small = setup.directory + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let mount = try ExternalTool.run("mount", ["-t", "tmpfs", "-o", "size=20m", "tmpfs", small])
        guard mount.succeeded else {
            print(
                "skipped diskFillingUp: cannot mount a tmpfs here (\(mount.stderr.trimmingCharacters(in: .newlines)))")
            return
        }
        defer { _ = try? ExternalTool.run("umount", ["-l", small]) }
        // 30 MB of random bytes: the layer cannot be compressed below the 20 MB the cache directory has.
        try ExternalTool.run(
            "dd", ["if=/dev/urandom", "of=\(setup.directory)/big.bin", "bs=1M", "count=30", "status=none"]
        ).check()
        let result = try await run(
            setup.spec(extra: "copy: [big.bin]").replacingOccurrences(of: "copy: [src, notes.txt]\n", with: ""),
            in: setup.directory, cacheDirectory: small + "/cache")
        expectOneLineFailure(
            result, mentioning: ["No space left on device", small + "/cache", "use a cache directory with more room"])
        expectNoManifest(in: setup.registry, repository: "acme/hello")
        // The partial blob and the staging tree are gone again.
        let used = try ExternalTool.run("du", ["-sk", small]).check().stdout.split(separator: "\t").first
        #expect((used.flatMap { Int($0) } ?? .max) < 2048, "left in the cache: \(used ?? "?") KiB")
    }

    @Test func sdistOnlyPackageForAForeignPlatform() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let base = try await PythonBaseFixture.pushMultiArch(to: setup.registry)
        let index = try PackageIndex(directory: setup.directory + "/index")
        defer { index.stop() }
        // A real sdist (setuptools layout) and no wheel at all.
        let sdist = setup.directory + "/sdist"
        try FileManager.default.createDirectory(atPath: sdist + "/c_ext_pkg-1.0", withIntermediateDirectories: true)
        try "from setuptools import setup\nsetup(name='c_ext_pkg', version='1.0')\n".write(
            toFile: sdist + "/c_ext_pkg-1.0/setup.py", atomically: true, encoding: .utf8)
        try "Metadata-Version: 2.1\nName: c_ext_pkg\nVersion: 1.0\n".write(
            toFile: sdist + "/c_ext_pkg-1.0/PKG-INFO", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: setup.directory + "/dist", withIntermediateDirectories: true)
        try ExternalTool.run(
            "tar", ["-czf", setup.directory + "/dist/c_ext_pkg-1.0.tar.gz", "-C", sdist, "c_ext_pkg-1.0"]
        ).check()
        try index.add(filesIn: setup.directory + "/dist")
        let result = try await run(
            """
            name: sdist
            registry: \(setup.registry.host)/acme
            base_image: \(base)
            platform: linux/arm64
            packages: [c_ext_pkg]
            pip_index: \(index.url)/
            """, in: setup.directory)
        expectOneLineFailure(result, mentioning: ["linux/arm64", "c-ext-pkg"])
        // uv's own reason: only a source distribution, and wheels are required.
        #expect(result.stderr.contains("--only-binary") || result.stderr.contains("wheel"), "\(result.stderr)")
        expectNoManifest(in: setup.registry, repository: "acme/sdist")
    }
}
