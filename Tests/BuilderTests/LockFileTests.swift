import Builder
import Foundation
import OCI
import Spec
import TestSupport
import Testing

/// `requirements: uv.lock`: exported with uv (no dev group, not the project) and installed exactly; lock file errors
/// name the fix (the `poetry.lock` installs are in ``PoetryLockTests``).
@Suite(.serialized) struct LockFileTests {
    /// Writes a project whose lock pins `dep_pkg==1.0` (an unpinned install would take 1.1) and whose dev group
    /// holds the stand-in flytekit, then locks it with uv from the local wheels.
    static func lockedProject(in directory: String) throws -> String {
        let project = directory + "/proj"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        try """
        [project]
        name = "proj"
        version = "0.1.0"
        requires-python = ">=3.11"
        dependencies = ["hello_pkg", "dep_pkg==1.0"]

        [dependency-groups]
        dev = ["flytekit"]
        """.write(toFile: project + "/pyproject.toml", atomically: true, encoding: .utf8)
        let uv = try #require(
            BuilderTestSupport.uvEnvironment(cache: directory + "/uv-cache")["PATH"]?.split(separator: ":")
                .map { "\($0)/uv" }.first { FileManager.default.isExecutableFile(atPath: $0) })
        try ExternalTool.run(
            uv, ["lock", "--no-index", "--find-links", directory + "/wheels", "--directory", project],
            environment: BuilderTestSupport.uvEnvironment(cache: directory + "/uv-cache")
        ).check()
        return project
    }

    @Test func uvLockIsExportedAndInstalledExactly() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let project = try Self.lockedProject(in: setup.directory)
        let lock = try String(contentsOfFile: project + "/uv.lock", encoding: .utf8)
        #expect(lock.contains("name = \"flytekit\""))  // locked, but only in the dev group
        let loaded = try BuilderTestSupport.loadSpec(
            """
            name: locked
            registry: \(setup.registry.host)/acme
            base_image: \(setup.base)
            requirements: proj/uv.lock
            pip_extra_args: --no-index --find-links \(setup.directory)/wheels
            """, in: setup.directory)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(loaded, options: options)
        #expect(plan.lockFile == project + "/uv.lock")
        #expect(plan.requirements.isEmpty)
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).run(
            plan, destination: .registry(try #require(plan.target)))
        let packages = Set(report.platforms.flatMap { $0.layers.flatMap { $0.packages ?? [] } })
        #expect(packages == ["hello-pkg==1.0", "dep-pkg==1.0"])
        let image = try await UnpackedImage.unpack("docker://\(plan.imageName)", into: setup.directory + "/check")
        let result = try image.run(
            "hello-cli && python3 -c 'import dep_pkg; print(dep_pkg.VERSION)' && "
                + "(python3 -c 'import flytekit' 2>/dev/null && echo dev-installed || echo no-dev)")
        #expect(try result.check().stdout == "hello-cli says 42\n1.0\nno-dev\n")
    }

    @Test func lockFileErrorsNameTheFix() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/a", withIntermediateDirectories: true)
        try "version = 1\n".write(toFile: directory + "/a/uv.lock", atomically: true, encoding: .utf8)
        try "x\n".write(toFile: directory + "/poetry.lock", atomically: true, encoding: .utf8)
        let options = try BuilderTestSupport.options(in: directory)
        func planError(_ yaml: String) throws -> BuildError? {
            let loaded = try BuilderTestSupport.loadSpec(yaml, in: directory)
            return #expect(throws: BuildError.self) { try BuildPlan(loaded, options: options) }
        }
        let base = "name: x\nbase_image: python:3.11\n"
        let noProject = try planError(base + "requirements: a/uv.lock\n")
        #expect(noProject?.message.contains("needs its pyproject.toml next to it") == true)
        try "[project]\nname = \"a\"\n".write(
            toFile: directory + "/a/pyproject.toml", atomically: true, encoding: .utf8)
        let withPackages = try planError(base + "requirements: a/uv.lock\npackages: [six]\n")
        #expect(withPackages?.message.hasPrefix("packages cannot be combined with a uv.lock") == true)
        let poetry = try planError(base + "requirements: poetry.lock\n")
        #expect(poetry?.kind == .invalidSpec)
        #expect(poetry?.message.contains("poetry.lock needs its pyproject.toml next to it") == true)
        try "[tool.poetry]\nname = \"a\"\n".write(
            toFile: directory + "/pyproject.toml", atomically: true, encoding: .utf8)
        let notTOML = try planError(base + "requirements: poetry.lock\n")
        #expect(notTOML?.message.hasPrefix("requirements: \(directory)/poetry.lock:1:") == true)
        #expect(notTOML?.message.contains("is not valid TOML") == true)
        #expect(notTOML?.message.contains("\n") == false)
    }
}
