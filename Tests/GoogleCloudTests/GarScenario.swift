import Foundation
import TestSupport

/// The seed scenario on loopback: an emulated Artifact Registry (``GarEmulator``) that registries.conf maps
/// `us-east1-docker.pkg.dev` to, a real base image pushed as `ghcr.io/flyteorg/flytekit:py3.11-latest` (mapped to a
/// plain loopback registry), the seed spec with a requirements file resolved from a local wheel directory, and a
/// private HOME, docker config, PATH and caches for the `imagespec` binary.
final class GarScenario: Sendable {
    static let project = "my-union-dataplane"
    static let repository = "my-registry"
    static let location = "us-east1"
    static let garHost = "us-east1-docker.pkg.dev"
    static let registry = "us-east1-docker.pkg.dev/my-union-dataplane/my-registry/my-image-repository"
    /// A regional-endpoint (REP) host, mapped to the same emulator.
    static let repLocation = "europe-west3"
    static let repHost = "docker.europe-west3.rep.pkg.dev"

    let gar: GarEmulator
    let base: RegistryFixture
    let directory: String
    let binary: String
    /// `GCE_METADATA_IP` of every run: a loopback port nobody listens on, so the implicit metadata server is refused
    /// at once on any machine (no DNS lookup of metadata.google.internal, no real GCE credentials on a GCE runner).
    let metadataAddress: String

    var home: String { directory + "/home" }
    var bin: String { directory + "/bin" }
    var specPath: String { directory + "/spec.yaml" }
    var layerCache: String { directory + "/layer-cache" }
    var uvCache: String { directory + "/uv-cache" }
    var registriesConf: String { directory + "/registries.conf" }
    var dockerConfigDirectory: String { home + "/.docker" }

    private init(
        gar: GarEmulator, base: RegistryFixture, directory: String, binary: String, metadataAddress: String
    ) {
        self.gar = gar
        self.base = base
        self.directory = directory
        self.binary = binary
        self.metadataAddress = metadataAddress
    }

    /// Starts everything; `repositories` already exist in the project.
    static func start(accounts: [TokenServerConfig.Account], repositories: [String] = []) async throws -> GarScenario {
        let binary = try TestEnvironment.requireImagespecBinary()
        let venv = try TestEnvironment.requireVenvPython()
        let base = try await RegistryFixture.start()
        let gar: GarEmulator
        do {
            gar = try await GarEmulator.start(
                tokenConfig: TokenServerConfig(accounts: accounts, projects: [project: repositories]),
                location: location)
        } catch {
            base.stop()
            throw error
        }
        let directory = try makeTemporaryDirectory(prefix: "imagespec-gar")
        let scenario = GarScenario(
            gar: gar, base: base, directory: directory, binary: binary,
            metadataAddress: try GarEmulator.unreachableMetadataAddress())
        do {
            try await scenario.prepare(venvBin: (venv as NSString).deletingLastPathComponent)
        } catch {
            scenario.stop()
            throw error
        }
        return scenario
    }

    private func prepare(venvBin: String) async throws {
        try await PythonBaseFixture.push(to: base, repository: "flyteorg/flytekit", tag: "py3.11-latest")
        for path in [home, bin, dockerConfigDirectory, directory + "/wheels"] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        // Only the tools a build needs are on PATH: uv (and later a docker-credential-gcloud of the test's own);
        // the machine's real /usr/bin/docker-credential-gcloud must never be found.
        for tool in ["uv", "python3", "python"] {
            try FileManager.default.createSymbolicLink(
                atPath: bin + "/" + tool, withDestinationPath: venvBin + "/" + tool)
        }
        try writeWheel(name: "hello_pkg", version: "1.0", module: "VALUE = 42\n")
        try "hello_pkg==1.0\n".write(toFile: directory + "/requirements.txt", atomically: true, encoding: .utf8)
        try """
        name: simple-example-image
        registry: \(Self.registry)
        base_image: ghcr.io/flyteorg/flytekit:py3.11-latest
        requirements: requirements.txt
        pip_extra_args: --no-index --find-links \(directory)/wheels
        """.write(toFile: specPath, atomically: true, encoding: .utf8)
        try """
        [[registry]]
        prefix = "\(Self.garHost)"
        location = "\(gar.host)"

        [[registry]]
        prefix = "\(Self.repHost)"
        location = "\(gar.host)"

        [[registry]]
        prefix = "ghcr.io/flyteorg"
        location = "\(base.host)/flyteorg"
        """.write(toFile: registriesConf, atomically: true, encoding: .utf8)
        try writeDockerConfig(#"{"auths":{}}"#)
    }

    /// A pure-Python wheel written with Python's zipfile (RECORD with hashes), for a hermetic `uv` install.
    private func writeWheel(name: String, version: String, module: String) throws {
        let script = """
            import base64, hashlib, sys, zipfile
            out, name, version, module = sys.argv[1:5]
            dist = "%s-%s.dist-info" % (name, version)
            files = {name + "/__init__.py": module,
                     dist + "/METADATA": "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (name, version),
                     dist + "/WHEEL": "Wheel-Version: 1.0\\nGenerator: gar-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
            rows = []
            for path, text in sorted(files.items()):
                digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
                rows.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
            files[dist + "/RECORD"] = "\\n".join(rows + [dist + "/RECORD,,"]) + "\\n"
            with zipfile.ZipFile("%s/%s-%s-py3-none-any.whl" % (out, name, version), "w") as z:
                for path, text in sorted(files.items()):
                    z.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), text)
            """
        try ExternalTool.run("python3", ["-c", script, directory + "/wheels", name, version, module]).check()
    }

    /// Writes the docker `config.json` of the private HOME.
    func writeDockerConfig(_ json: String) throws {
        try json.write(toFile: dockerConfigDirectory + "/config.json", atomically: true, encoding: .utf8)
    }

    /// Installs a `docker-credential-gcloud` on the private PATH that answers `Username` `_dcgcloud_token` and
    /// `secret`, and logs each host it is asked for to `<directory>/helper.log`.
    func installGcloudHelper(secret: String) throws {
        let helper = bin + "/docker-credential-gcloud"
        try """
        #!/bin/sh
        read server
        echo "$1 $server" >> '\(directory)/helper.log'
        printf '{"ServerURL":"%s","Username":"_dcgcloud_token","Secret":"\(secret)"}' "$server"
        """.write(toFile: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper)
    }

    /// The environment of every `imagespec` run: private HOME/PATH/caches, registries.conf, the API override, an
    /// unreachable implicit metadata server;
    /// `extra` adds to it (e.g. GOOGLE_APPLICATION_CREDENTIALS).
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        [
            "HOME": home, "PATH": bin, "DOCKER_CONFIG": dockerConfigDirectory,
            "IMAGESPEC_REGISTRIES_CONF": registriesConf, "UV_CACHE_DIR": uvCache, "XDG_CACHE_HOME": directory + "/xdg",
            "CLOUDSDK_CONFIG": directory + "/gcloud",
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY": gar.apiBaseURL,
            "TMPDIR": directory, "GCE_METADATA_IP": metadataAddress,
        ].merging(extra) { $1 }
    }

    /// Runs `imagespec` with `arguments` in ``environment(_:)`` only (nothing inherited).
    func run(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> ToolResult {
        try await ExternalTool.runAsync(
            binary, arguments, environment: environment(extra), inheritEnvironment: false, timeout: .seconds(300))
    }

    /// `imagespec build spec.yaml --cache-dir … --no-flytekit` plus `arguments`.
    func build(_ arguments: [String] = [], _ extra: [String: String] = [:]) async throws -> ToolResult {
        try await run(["build", specPath, "--cache-dir", layerCache, "--no-flytekit"] + arguments, extra)
    }

    /// Requests `imagespec` sent to the base registry (its access log names the user agent).
    func baseRequestsByImagespec() -> [String] {
        base.log().split(separator: "\n").map(String.init).filter { $0.contains("\"imagespec/") }
    }

    /// Files below `path` (0 when it does not exist).
    func fileCount(_ path: String) -> Int {
        (FileManager.default.enumerator(atPath: path)?.allObjects.count) ?? 0
    }

    /// Tags of `repository` in the registry behind the proxy (read from its storage, not through auth).
    func storedTags(_ repository: String) -> [String] {
        let path = gar.registry.storagePath + "/docker/registry/v2/repositories/\(repository)/_manifests/tags"
        return (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }

    func stop() {
        gar.stop()
        base.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
