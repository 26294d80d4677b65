import Foundation
import TestSupport
import Testing

/// The sample project `examples/flyte-project` copied to a temporary directory and pointed at a loopback registry
/// holding the Debian python3 base, plus helpers to run the real `pyflyte` / `union` from the project venv on it with
/// the installed plugin (`flytekitplugins-imagespec`) and the freshly built `imagespec` binary.
struct FlyteProject {
    let registry: RegistryFixture
    /// `127.0.0.1:PORT/library/python:3.11-bookworm`.
    let baseImage: String
    /// The project copy (the directory pyflyte runs in; flytekit's source root).
    let directory: String
    /// Scratch space next to it (temporary files of the runs, unpacked images).
    let scratch: String
    let python: String
    let binary: String

    /// Where the project's images go: `127.0.0.1:PORT/wf`.
    var imageRegistry: String { registry.host + "/wf" }

    /// `python` (default: the project venv's) is the interpreter whose environment has flytekit and the plugin.
    static func make(python: String? = nil) async throws -> FlyteProject {
        let python = try python ?? TestEnvironment.requireVenvPython()
        let binary = try TestEnvironment.requireImagespecBinary()
        let registry = try await RegistryFixture.start()
        do {
            let base = try await PythonBaseFixture.push(to: registry)
            let root = try makeTemporaryDirectory(prefix: "imagespec-plugin")
            let directory = root + "/project"
            try FileManager.default.copyItem(
                atPath: TestEnvironment.repoRoot + "/examples/flyte-project", toPath: directory)
            let project = FlyteProject(
                registry: registry, baseImage: base, directory: directory, scratch: root + "/scratch",
                python: python, binary: binary)
            try FileManager.default.createDirectory(
                atPath: project.scratch + "/tmp", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                atPath: project.scratch + "/docker", withIntermediateDirectories: true)
            try """
            REGISTRY = "\(project.imageRegistry)"
            BASE_IMAGE = "\(base)"

            """.write(toFile: directory + "/wf/settings.py", atomically: true, encoding: .utf8)
            try project.writeYAML("default-image.yaml", name: "wf-default", extra: "env: {WF_IMAGE: default}")
            return project
        } catch {
            registry.stop()
            throw error
        }
    }

    func stop() {
        registry.stop()
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }

    /// Writes an ImageSpec YAML file into the project (registry and base image filled in).
    @discardableResult
    func writeYAML(_ file: String, name: String, registry: String? = nil, extra: String = "") throws -> String {
        try """
        name: \(name)
        registry: \(registry ?? imageRegistry)
        base_image: \(baseImage)
        \(extra)

        """.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
        return file
    }

    /// The environment of every pyflyte / union run: the binary, an anonymous docker config, wide error panels
    /// (rich wraps them at $COLUMNS), the plugin's documents kept in `scratch/tmp`.
    var environment: [String: String] {
        [
            "IMAGESPEC_BIN": binary, "DOCKER_CONFIG": scratch + "/docker", "COLUMNS": "400",
            "IMAGESPEC_KEEP_DOCUMENT": "1", "TMPDIR": scratch + "/tmp", "FLYTE_SDK_RICH_TRACEBACKS": "0",
        ]
    }

    /// ``environment`` plus the venv's scripts directory on `PATH` (for `uv`), for running the binary directly as the
    /// plugin does.
    var binaryEnvironment: [String: String] {
        let scripts = (python as NSString).deletingLastPathComponent
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return environment.merging(["PATH": path + ":" + scripts]) { _, new in new }
    }

    /// Runs a console script of the venv (`pyflyte`, `union`) in the project directory.
    func cli(
        _ tool: String, _ arguments: [String], environment extra: [String: String] = [:], unsetting: [String] = []
    ) async throws -> ToolResult {
        let executable = (python as NSString).deletingLastPathComponent + "/" + tool
        let result = try await ExternalTool.runAsync(
            executable, arguments, environment: environment.merging(extra) { _, new in new },
            unsetting: ["FLYTE_FORCE_PUSH_IMAGE_SPEC", "IMAGESPEC_BUILDER_PRIORITY"] + unsetting,
            currentDirectory: directory, timeout: .seconds(600))
        return result
    }

    /// `pyflyte --pkgs wf package --image default-image.yaml -f -o OUT [extra…]`, checked.
    func package(
        _ tool: String = "pyflyte", output: String, _ extra: [String] = [], environment: [String: String] = [:]
    ) async throws -> ToolResult {
        let result = try await cli(
            tool, ["--pkgs", "wf", "package", "--image", "default-image.yaml", "-f", "-o", output] + extra,
            environment: environment)
        print("---- \(tool) package \(extra.joined(separator: " ")) ----\n\(result.stdout)\(result.stderr)")
        return try result.check()
    }

    /// Runs a Python snippet with the venv's interpreter in the project directory; returns its standard output.
    func python(_ code: String, _ arguments: [String] = [], environment extra: [String: String] = [:]) async throws
        -> String
    {
        try await ExternalTool.runAsync(
            python, ["-c", code] + arguments, environment: environment.merging(extra) { _, new in new },
            unsetting: ["FLYTE_FORCE_PUSH_IMAGE_SPEC", "IMAGESPEC_BUILDER_PRIORITY"], currentDirectory: directory
        ).check().stdout
    }

    /// `imagespec exists --json REF`: the digest when the image exists, nil when absent.
    func existingDigest(_ reference: String) async throws -> String? {
        let result = try await ExternalTool.runAsync(
            binary, ["exists", "--json", reference], environment: binaryEnvironment)
        guard result.status == 0 else {
            #expect(result.status == 1, "imagespec exists \(reference): \(result.stderr)")
            return nil
        }
        let report = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        return report?["digest"] as? String
    }

    /// The plugin's documents kept so far (IMAGESPEC_KEEP_DOCUMENT), keyed by flytekit's image name.
    func documents() throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: scratch + "/tmp")
        where file.hasPrefix("imagespec-flytekit-") {
            let data = try Data(contentsOf: URL(fileURLWithPath: scratch + "/tmp/" + file))
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let flytekit = try #require(document["flytekit"] as? [String: Any])
            result[try #require(flytekit["image_name"] as? String)] = document
        }
        return result
    }
}
