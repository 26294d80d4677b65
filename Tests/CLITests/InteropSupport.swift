import Foundation
import TestSupport
import Testing

/// A private HOME for one `imagespec` run: its own `$DOCKER_CONFIG`, a `bin/` prepended to `PATH` for credential
/// helper scripts, and no registries.conf unless a test writes one. Removed by `remove()`.
struct CLISandbox {
    /// The sandbox root (also `$HOME`).
    let root: String

    /// `$DOCKER_CONFIG`.
    var dockerConfigDirectory: String { root + "/docker" }
    /// Directory prepended to `PATH`.
    var binDirectory: String { root + "/bin" }

    init() throws {
        root = try makeTemporaryDirectory(prefix: "imagespec-cli")
        try FileManager.default.createDirectory(atPath: dockerConfigDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: true)
    }

    /// Writes `$DOCKER_CONFIG/config.json`.
    func writeDockerConfig(_ json: String) throws {
        try json.write(toFile: dockerConfigDirectory + "/config.json", atomically: true, encoding: .utf8)
    }

    /// Writes an executable `bin/docker-credential-<name>` with `script` (a `#!/bin/sh` script).
    func writeCredentialHelper(_ name: String, script: String) throws {
        let path = binDirectory + "/docker-credential-" + name
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        guard chmod(path, 0o755) == 0 else { throw TestSupportError("chmod \(path) failed") }
    }

    /// A helper script that answers `get` for `serverURL` with `username`/`secret`, logs every call to
    /// `<root>/helper-<name>.log`, and says "credentials not found" for other servers.
    func writeAnsweringHelper(_ name: String, serverURL: String, username: String, secret: String) throws {
        try writeCredentialHelper(
            name,
            script: """
                #!/bin/sh
                echo "$1" >> "\(root)/helper-\(name).log"
                [ "$1" = get ] || exit 1
                read server
                if [ "$server" = "\(serverURL)" ]; then
                    printf '{"ServerURL":"%s","Username":"\(username)","Secret":"\(secret)"}\\n' "$server"
                else
                    echo "credentials not found in native keychain"
                    exit 1
                fi
                """)
    }

    /// Writes a file in the sandbox and returns its path.
    @discardableResult
    func write(_ relativePath: String, _ contents: String) throws -> String {
        let path = root + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The environment `imagespec` runs with.
    var environment: [String: String] {
        let inherited = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return [
            "HOME": root, "DOCKER_CONFIG": dockerConfigDirectory, "PATH": binDirectory + ":" + inherited,
            "TMPDIR": root,
        ]
    }

    /// Deletes the sandbox.
    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Runs the built `imagespec` binary.
enum CLI {
    /// Runs `imagespec arguments…` in `sandbox` (extra variables in `environment`).
    static func run(
        _ arguments: [String], in sandbox: CLISandbox, environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) async throws -> ToolResult {
        let binary = try TestEnvironment.requireImagespecBinary()
        return try await ExternalTool.runAsync(
            binary, arguments, environment: sandbox.environment.merging(environment) { _, new in new },
            unsetting: ["IMAGESPEC_REGISTRIES_CONF", "DOCKER_AUTH_CONFIG", "REGISTRY_AUTH_FILE"], timeout: timeout)
    }

    /// Standard error's non-empty lines.
    static func errorLines(_ result: ToolResult) -> [String] {
        result.stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Standard output parsed as one JSON object.
    static func json(_ result: ToolResult) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any] else {
            throw TestSupportError("stdout of `\(result.commandLine)` is not a JSON object: \(result.stdout)")
        }
        return object
    }
}

/// Oracles that read a registry with skopeo and curl, independently of imagespec.
enum Oracle {
    /// `skopeo inspect --raw` bytes of `reference` (`creds` = `user:password`).
    static func rawManifest(_ reference: String, creds: String? = nil) async throws -> Data {
        var arguments = ["inspect", "--raw", "--tls-verify=false"]
        if let creds { arguments += ["--creds", creds] }
        return try await ExternalTool.runAsync("skopeo", arguments + ["docker://\(reference)"]).check().stdoutData
    }

    /// The HTTP status of `HEAD /v2/<repository>/manifests/<tag>` on a registry (with Basic `creds`).
    static func manifestStatus(host: String, repository: String, tag: String, creds: String? = nil) async throws
        -> Int
    {
        var arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "-I", "-H",
            "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
                + "application/vnd.docker.distribution.manifest.list.v2+json, "
                + "application/vnd.docker.distribution.manifest.v2+json",
        ]
        if let creds { arguments += ["-u", creds] }
        arguments.append("http://\(host)/v2/\(repository)/manifests/\(tag)")
        let result = try await ExternalTool.runAsync("curl", arguments)
        guard let status = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSupportError("curl printed no status: \(result.stdout) \(result.stderr)")
        }
        return status
    }

    /// The HTTP status of `HEAD /v2/<repository>/blobs/<digest>` on a registry without auth.
    static func blobStatus(host: String, repository: String, digest: String) async throws -> Int {
        let result = try await ExternalTool.runAsync(
            "curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-I", "http://\(host)/v2/\(repository)/blobs/\(digest)"])
        guard let status = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSupportError("curl printed no status: \(result.stdout) \(result.stderr)")
        }
        return status
    }

    /// Copies `reference` into a new OCI layout with skopeo and unpacks it with umoci; returns the bundle's rootfs.
    static func pullAndUnpack(_ reference: String, into directory: String, creds: String? = nil) async throws
        -> String
    {
        var arguments = ["copy", "--src-tls-verify=false"]
        if let creds { arguments += ["--src-creds", creds] }
        try await ExternalTool.runAsync(
            "skopeo", arguments + ["docker://\(reference)", "oci:\(directory)/layout:pulled"]
        ).check()
        let rootless = getuid() == 0 ? [] : ["--rootless"]
        try await ExternalTool.runAsync(
            "umoci", ["unpack"] + rootless + ["--image", "\(directory)/layout:pulled", "\(directory)/bundle"]
        ).check()
        return directory + "/bundle/rootfs"
    }
}

/// A two-platform image index (linux/amd64 + linux/arm64) built with umoci and pushed by `skopeo copy --all`.
struct MultiPlatformImage {
    /// `host/repository:tag` of the index.
    let reference: String
    /// The index's exact bytes as pushed.
    let indexBytes: Data
    /// Manifest digest per architecture (`amd64`, `arm64`).
    let childDigests: [String: String]
    /// The file each image's rootfs carries (`/platform.txt`) per architecture, with its contents.
    static func marker(_ architecture: String) -> String { "built for \(architecture)\n" }

    /// Builds both images, writes an OCI index into the first layout and pushes it with `skopeo copy --all`.
    static func push(to registry: RegistryFixture, repository: String, tag: String) async throws
        -> MultiPlatformImage
    {
        let scratch = try makeTemporaryDirectory(prefix: "imagespec-multi")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let layout = scratch + "/amd64"
        let armLayout = scratch + "/arm64"
        try BaseImageFixture.buildLayout(
            at: layout, extraFiles: ["platform.txt": marker("amd64")], architecture: "amd64")
        try BaseImageFixture.buildLayout(
            at: armLayout, extraFiles: ["platform.txt": marker("arm64")], architecture: "arm64")
        try await ExternalTool.runAsync("skopeo", ["copy", "oci:\(armLayout):latest", "oci:\(layout):arm64"]).check()

        let indexPath = layout + "/index.json"
        guard
            var top = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: indexPath)))
                as? [String: Any], var entries = top["manifests"] as? [[String: Any]]
        else { throw TestSupportError("\(indexPath) is not an OCI index") }
        func entry(_ name: String) throws -> [String: Any] {
            guard
                let found = entries.first(where: {
                    ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == name
                })
            else { throw TestSupportError("no \(name) in \(indexPath)") }
            return found
        }
        var children: [[String: Any]] = []
        var digests: [String: String] = [:]
        for (name, architecture) in [("latest", "amd64"), ("arm64", "arm64")] {
            var child = try entry(name)
            child["annotations"] = nil
            child["platform"] = ["os": "linux", "architecture": architecture]
            digests[architecture] = child["digest"] as? String
            children.append(child)
        }
        let index: [String: Any] = [
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": children,
        ]
        let bytes = try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys, .withoutEscapingSlashes])
        let digest = sha256Digest(bytes)
        try bytes.write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + digest.dropFirst(7)))
        entries.append([
            "mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest, "size": bytes.count,
            "annotations": ["org.opencontainers.image.ref.name": "multi"],
        ])
        top["manifests"] = entries
        try JSONSerialization.data(withJSONObject: top).write(to: URL(fileURLWithPath: indexPath))

        let reference = registry.reference(repository, tag: tag)
        var arguments = ["copy", "--all", "--dest-tls-verify=false"]
        if let credentials = registry.credentials { arguments += ["--dest-creds", credentials] }
        try await ExternalTool.runAsync("skopeo", arguments + ["oci:\(layout):multi", "docker://\(reference)"]).check()
        return MultiPlatformImage(reference: reference, indexBytes: bytes, childDigests: digests)
    }
}
