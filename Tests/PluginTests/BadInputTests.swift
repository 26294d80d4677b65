import Foundation
import TestSupport
import Testing

/// Through flytekit's CLI, every failure ends pyflyte with imagespec's one-line reason — printed by click, exit
/// status 1 — and no Python traceback.
@Suite(.serialized) struct BadInputTests {
    /// One way to fail: the `--image` YAML spec (nil: the sample's default), the environment, the expected reason.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String?
        let registry: String?
        let environment: [String: String]
        let reason: String

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "binary missing", yaml: nil, registry: nil,
            environment: ["IMAGESPEC_BIN": "", "PATH": "/usr/bin:/bin"],
            reason:
                "imagespec: the imagespec binary was not found (not bundled with flytekitplugins-imagespec, not on "
                + "PATH) — install the platform wheel"),
        Case(
            name: "IMAGESPEC_BIN wrong", yaml: nil, registry: nil,
            environment: ["IMAGESPEC_BIN": "/nonexistent/imagespec"],
            reason: "imagespec: IMAGESPEC_BIN=/nonexistent/imagespec is not an executable file"),
        Case(
            name: "registry unreachable", yaml: "", registry: "127.0.0.1:1/wf", environment: [:],
            reason: "connection refused — check that 127.0.0.1:1 is reachable"),
        Case(
            name: "unsupported field", yaml: "conda_packages: [numpy]", registry: nil, environment: [:],
            reason: "failed: conda_packages is not supported yet by imagespec build — remove it from the spec"),
        Case(
            name: "build failure", yaml: "packages: [imagespec-no-such-dist]\npip_extra_args: --no-index",
            registry: nil, environment: [:],
            reason: "failed: uv could not install the packages for linux/amd64 (Python 3.11)"),
        Case(
            name: "no registry", yaml: "", registry: "\"\"", environment: [:],
            reason: "has no registry, and imagespec builds push to a registry"),
    ]

    @Test("pyflyte fails with imagespec's one-line reason", arguments: cases)
    func pyflyteReportsOneLine(_ item: Case) async throws {
        let project = try await FlyteProject.make()
        defer { project.stop() }
        var image = "default-image.yaml"
        if let yaml = item.yaml {
            image = try project.writeYAML("bad.yaml", name: "bad", registry: item.registry, extra: yaml)
        }
        let result = try await project.cli(
            "pyflyte", ["--pkgs", "wf", "package", "--image", image, "-f", "-o", project.scratch + "/bad.tgz"],
            environment: item.environment)
        let output = result.stdout + result.stderr
        print("---- \(item.name) ----\n\(output)")
        #expect(result.status == 1)
        #expect(!output.contains("Traceback"))
        let lines = output.split(separator: "\n").filter { $0.contains("imagespec: ") && $0.contains(item.reason) }
        #expect(lines.count == 1, "no single line with \(item.reason)")
        #expect(!FileManager.default.fileExists(atPath: project.scratch + "/bad.tgz"))
    }
}
