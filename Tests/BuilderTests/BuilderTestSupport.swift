import Builder
import Foundation
import OCI
import Registry
import Spec
import TestSupport

/// A pure-Python wheel the tests write by hand (a zip with METADATA, WHEEL, RECORD and optional console scripts).
struct TestWheel: Encodable {
    var name: String
    var version: String
    /// Path inside the wheel → contents.
    var files: [String: String]
    /// Console script name → `module:function`.
    var scripts: [String: String] = [:]
    /// `Requires-Dist` lines.
    var requires: [String] = []
}

enum BuilderTestSupport {
    /// Writes `wheels` into `directory` with Python's zipfile (fixed timestamps, so the bytes are reproducible).
    static func writeWheels(_ wheels: [TestWheel], to directory: String) throws {
        let script = """
            import base64, hashlib, json, sys, zipfile
            out = sys.argv[1]
            for w in json.load(sys.stdin):
                dist = "%s-%s.dist-info" % (w["name"], w["version"])
                files = dict(w["files"])
                files[dist + "/METADATA"] = "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (
                    w["name"], w["version"]) + "".join("Requires-Dist: %s\\n" % r for r in w["requires"])
                files[dist + "/WHEEL"] = ("Wheel-Version: 1.0\\nGenerator: imagespec-tests\\n"
                                          "Root-Is-Purelib: true\\nTag: py3-none-any\\n")
                if w["scripts"]:
                    files[dist + "/entry_points.txt"] = "[console_scripts]\\n" + "".join(
                        "%s = %s\\n" % kv for kv in sorted(w["scripts"].items()))
                record = []
                for path, text in sorted(files.items()):
                    data = text.encode()
                    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    record.append("%s,sha256=%s,%d" % (path, digest, len(data)))
                record.append(dist + "/RECORD,,")
                files[dist + "/RECORD"] = "\\n".join(record) + "\\n"
                name = "%s/%s-%s-py3-none-any.whl" % (out, w["name"], w["version"])
                with zipfile.ZipFile(name, "w") as z:
                    for path, text in sorted(files.items()):
                        z.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), text)
            """
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let input = try JSONEncoder().encode(wheels)
        try ExternalTool.run("python3", ["-c", script, directory], input: input).check()
    }

    /// The standard hermetic wheel set: `hello_pkg` (console script `hello-cli`, needs `dep_pkg`), two versions of
    /// `dep_pkg`, and a stand-in `flytekit` so the builder's flytekit requirement resolves without PyPI.
    static func standardWheels(in directory: String) throws {
        try writeWheels(
            [
                TestWheel(
                    name: "hello_pkg", version: "1.0",
                    files: [
                        "hello_pkg/__init__.py":
                            "import dep_pkg\nVALUE = 41 + dep_pkg.ONE\n"
                            + "def main():\n    print('hello-cli says', VALUE)\n"
                    ],
                    scripts: ["hello-cli": "hello_pkg:main"], requires: ["dep_pkg"]),
                TestWheel(
                    name: "dep_pkg", version: "1.0", files: ["dep_pkg/__init__.py": "ONE = 1\nVERSION = '1.0'\n"]),
                TestWheel(
                    name: "dep_pkg", version: "1.1", files: ["dep_pkg/__init__.py": "ONE = 1\nVERSION = '1.1'\n"]),
                TestWheel(
                    name: "flytekit", version: "0.0.1",
                    files: ["flytekit/__init__.py": "__version__ = '0.0.1-test'\n"]),
            ], to: directory)
    }

    /// The environment for uv: this process's, with the project venv on PATH and a private uv cache.
    static func uvEnvironment(cache: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = (environment["PATH"] ?? "/usr/bin:/bin") + ":" + TestEnvironment.repoRoot + "/.venv/bin"
        environment["UV_CACHE_DIR"] = cache
        environment["SOURCE_DATE_EPOCH"] = nil
        return environment
    }

    /// An anonymous client without registries.conf rules (loopback hosts use plain HTTP).
    static func client() -> RegistryClient {
        RegistryClient(credentials: StaticCredentials.anonymous, configuration: RegistriesConfiguration())
    }

    /// Writes `yaml` as `<directory>/spec.yaml` and loads it (relative paths resolve against `directory`).
    static func loadSpec(_ yaml: String, in directory: String) throws -> LoadedSpec {
        let path = directory + "/spec.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try SpecLoader.load(path: path)
    }

    /// Build options with a private layer cache and uv cache under `directory`.
    static func options(in directory: String, flytekit: FlytekitRequirement = .latest) throws -> BuildOptions {
        try BuildOptions(
            flytekit: flytekit, sourceDateEpoch: 0, cacheRoot: directory + "/layer-cache",
            environment: uvEnvironment(cache: directory + "/uv-cache"))
    }
}

/// An image unpacked with umoci, with its config's environment, to run commands in with chroot.
struct UnpackedImage {
    let bundle: String
    let environment: [String]

    var rootfs: String { bundle + "/rootfs" }

    /// `skopeo copy <source> oci:…` then `umoci unpack`.
    static func unpack(_ source: String, into directory: String) async throws -> UnpackedImage {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let layout = directory + "/pulled"
        try await ExternalTool.runAsync(
            "skopeo", ["copy", "-q", "--src-tls-verify=false", source, "oci:\(layout):image"]
        ).check()
        let bundle = directory + "/bundle"
        try await ExternalTool.runAsync("umoci", ["unpack", "--image", "\(layout):image", bundle]).check()
        let config =
            try JSONSerialization.jsonObject(
                with: try Data(contentsOf: URL(fileURLWithPath: bundle + "/config.json"))) as? [String: Any]
        let process = config?["process"] as? [String: Any]
        return UnpackedImage(bundle: bundle, environment: process?["env"] as? [String] ?? [])
    }

    /// Runs `/bin/sh -c command` in the rootfs (working directory `/root`) with only the image's environment.
    func run(_ command: String) throws -> ToolResult {
        try ExternalTool.run(
            "chroot", [rootfs, "/bin/sh", "-c", "cd /root && " + command],
            environment: Dictionary(
                environment.compactMap { entry -> (String, String)? in
                    guard let equals = entry.firstIndex(of: "=") else { return nil }
                    return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
                }, uniquingKeysWith: { _, last in last }),
            inheritEnvironment: false)
    }
}
