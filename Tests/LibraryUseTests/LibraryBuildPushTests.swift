import Builder
import Foundation
import GoogleCloud
import OCI
import Registry
import Spec
import TestSupport
import Testing

/// What a Swift program gets without the CLI: `GoogleCloud.RegistrySetup` for configuration and credentials,
/// `Builder.BuildRules` for the decisions `imagespec build` makes, `ImageBuilder` to build and push — against a real
/// `docker-registry` with a debootstrap python3 base and a hand-made wheel.
@Suite(.serialized) struct LibraryBuildPushTests {
    /// A private HOME and DOCKER_CONFIG (no credentials), the venv on PATH for uv, a private uv cache.
    static func environment(in directory: String) -> [String: String] {
        var environment: [String: String] = [:]
        let inherited = ProcessInfo.processInfo.environment
        environment["PATH"] = TestEnvironment.repoRoot + "/.venv/bin:" + (inherited["PATH"] ?? "/usr/bin:/bin")
        environment["HOME"] = directory
        environment["DOCKER_CONFIG"] = directory + "/docker"
        environment["UV_CACHE_DIR"] = directory + "/uv-cache"
        environment["TMPDIR"] = inherited["TMPDIR"]
        return environment
    }

    /// `libuse_pkg-1.0-py3-none-any.whl` in `directory`, written with Python's zipfile (fixed timestamps).
    static func writeWheel(in directory: String) throws {
        let script = """
            import base64, hashlib, sys, zipfile
            files = {"libuse_pkg/__init__.py": "VALUE = 7\\n",
                     "libuse_pkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: libuse_pkg\\nVersion: 1.0\\n",
                     "libuse_pkg-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: t\\nRoot-Is-Purelib: true\\n"
                                                      "Tag: py3-none-any\\n"}
            record = []
            for path, text in sorted(files.items()):
                digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
                record.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
            record.append("libuse_pkg-1.0.dist-info/RECORD,,")
            files["libuse_pkg-1.0.dist-info/RECORD"] = "\\n".join(record) + "\\n"
            with zipfile.ZipFile(sys.argv[1] + "/libuse_pkg-1.0-py3-none-any.whl", "w") as z:
                for path, text in sorted(files.items()):
                    z.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), text)
            """
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try ExternalTool.run("python3", ["-c", script, directory]).check()
    }

    @Test("Builder + GoogleCloud build and push an image to a real registry, then skip it as existing")
    func buildAndPushWithoutTheCLI() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let base = try await PythonBaseFixture.push(to: registry)
        let directory = try makeTemporaryDirectory(prefix: "imagespec-libuse")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeWheel(in: directory + "/wheels")
        try "hello from a library\n".write(toFile: directory + "/notes.txt", atomically: true, encoding: .utf8)
        let specPath = directory + "/spec.yaml"
        try """
        name: libuse
        registry: \(registry.host)/acme
        base_image: \(base)
        packages: [libuse_pkg]
        pip_extra_args: --no-index --find-links \(directory)/wheels
        env: {FROM: library}
        copy: [notes.txt]
        """.write(toFile: specPath, atomically: true, encoding: .utf8)
        let environment = Self.environment(in: directory)

        // What `imagespec build SPEC` does, through the libraries.
        let setup = try RegistrySetup(environment: environment)
        let loaded = try SpecLoader.load(path: specPath)
        var options = try BuildOptions(
            flytekit: BuildRules.flytekit(add: false, version: nil, document: nil), sourceDateEpoch: 0,
            cacheRoot: directory + "/layer-cache", environment: environment,
            localPythonVersion: await BuildRules.localPythonVersion(for: loaded, document: nil))
        options.preflight = setup.pushPreflight(createRepository: false)
        let plan = try BuildPlan(loaded, options: options)
        let (destination, note) = BuildRules.defaultDestination(for: plan, spec: loaded)
        #expect(note == nil)
        guard case .registry(let target) = destination else {
            Issue.record("a spec with a registry goes to the registry, not \(destination)")
            return
        }
        let client = setup.makeClient()
        let builder = ImageBuilder(client: client, options: options)
        let force = BuildRules.forcePush(requested: false, environment: environment)
        let report = try await builder.run(plan, destination: destination, force: force)
        #expect(report.skipped == false)
        let digest = try Digest(try #require(report.digest))

        // The registry has it: manifest by tag, config with the spec's environment, layers present.
        let resolved = try await client.resolve(target, platform: try Platform("linux/amd64"))
        #expect(resolved.raw.digest == digest)
        let config = try await client.imageConfig(of: resolved.manifest, in: resolved.reference)
        #expect(config.config?.env?.contains("FROM=library") == true)
        for layer in resolved.manifest.layers {
            #expect(try await client.blobExists(layer.digest, in: target))
        }
        #expect(report.platforms.first?.layers.contains { $0.packages?.contains("libuse-pkg==1.0") == true } == true)

        // Built again: the exists check short-circuits, nothing is built.
        let again = try await builder.run(plan, destination: destination, force: false)
        #expect(again.skipped)
        #expect(again.digest == digest.description)
    }
}
