import Builder
import Foundation
import OCI
import Registry
import Spec
import TestSupport
import Testing

/// Public base image names reach a loopback copy of the Debian python base through registries.conf rewriting: a
/// flytekit image on ghcr.io, and the default base (no `base_image`: the official Python slim image on Docker Hub).
@Suite(.serialized) struct BaseMappingTests {
    /// Builds `yaml` with a client whose registries.conf is `conf`, pushes to the spec's loopback registry, and runs
    /// `hello-cli` in the result.
    func buildAndRun(
        _ yaml: String, conf: String, setup: BuildPushTests.Setup
    ) async throws -> (plan: BuildPlan, report: BuildReport) {
        let configuration = try RegistriesConfiguration(parsing: conf, path: setup.directory + "/registries.conf")
        let client = RegistryClient(credentials: StaticCredentials.anonymous, configuration: configuration)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(try BuilderTestSupport.loadSpec(yaml, in: setup.directory), options: options)
        let report = try await ImageBuilder(client: client, options: options).run(
            plan, destination: .registry(try #require(plan.target)))
        let image = try await UnpackedImage.unpack("docker://\(plan.imageName)", into: setup.directory + "/check")
        #expect(try image.run("hello-cli").check().stdout == "hello-cli says 42\n")
        return (plan, report)
    }

    @Test func flytekitBaseOnGhcrIsMappedToLoopback() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        try await PythonBaseFixture.push(
            to: setup.registry, repository: "mirror/flyteorg/flytekit", tag: "py3.11-latest")
        let (plan, report) = try await buildAndRun(
            """
            name: mapped
            registry: \(setup.registry.host)/acme
            base_image: ghcr.io/flyteorg/flytekit:py3.11-latest
            packages: [hello_pkg]
            pip_extra_args: --no-index --find-links \(setup.directory)/wheels
            """,
            conf: """
                [[registry]]
                prefix = "ghcr.io/flyteorg"
                location = "\(setup.registry.host)/mirror/flyteorg"
                """, setup: setup)
        #expect(plan.baseImage == "ghcr.io/flyteorg/flytekit:py3.11-latest")
        #expect(report.platforms.first?.python == "3.11")
        #expect(setup.registry.log().contains("/v2/mirror/flyteorg/flytekit/manifests/py3.11-latest"))
        let manifest = try ExternalTool.run(
            "skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(plan.imageName)"]
        ).check().stdout
        // The image records the base by the name the spec used, not the mirror's.
        #expect(manifest.contains(#""org.opencontainers.image.base.name":"ghcr.io/flyteorg/flytekit:py3.11-latest""#))
    }

    @Test func defaultBaseIsThePythonSlimImageMappedToLoopback() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        // flytekit's default builder falls back to debian:bookworm-slim plus a conda Python; imagespec uses the
        // official Python slim image of the spec's version (issue #4), here mapped to the Debian python base.
        try await PythonBaseFixture.push(to: setup.registry, repository: "hub/library/python", tag: "3.11-slim")
        let (plan, report) = try await buildAndRun(
            """
            name: default-base
            registry: \(setup.registry.host)/acme
            python_version: "3.11"
            packages: [hello_pkg]
            pip_extra_args: --no-index --find-links \(setup.directory)/wheels
            """,
            conf: """
                [[registry]]
                prefix = "docker.io/library/python"
                location = "\(setup.registry.host)/hub/library/python"
                """, setup: setup)
        #expect(plan.baseImage == "docker.io/library/python:3.11-slim")
        #expect(report.platforms.first?.python == "3.11")
        #expect(setup.registry.log().contains("/v2/hub/library/python/manifests/3.11-slim"))
    }
}
