import Foundation
import TestSupport
import Testing

/// Every class of bad input found so far, run through the real `imagespec build` as a user runs it: exit status 2,
/// exactly one line on standard error (no backtrace, no "Fatal error"), the line names the field or file, and no
/// tag exists afterwards (no manifest in the `--output oci:` layout, or none in the registry for registry cases).
/// Almost every case fails while planning, before any download or uv run.
@Suite("build: bad input table", .serialized, .timeLimit(.minutes(10)))
struct BadInputTableTests {
    /// Where the image of a case would go.
    enum Target: Sendable {
        /// `--output oci:DIR/out` (checked for an `index.json` entry).
        case layout
        /// The spec's registry, a real registry started for the case (checked for manifests).
        case registry
    }

    /// One class of bad input.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// The spec text (`spec.yaml`, or `spec.json` when it starts with `{`); `DIR` is the case's directory,
        /// `BASE` a base image in the case's registry (registry cases only), `REGISTRY` that registry's host.
        let spec: String
        /// What the error line must contain (after replacement).
        let mentions: [String]
        /// Project files to create (relative path → content).
        var files: [String: String] = [:]
        /// More set-up in the case's directory (symlinks, modes, FIFOs).
        var prepare: (@Sendable (String) throws -> Void)? = nil
        /// Extra arguments after `build SPEC`.
        var arguments: [String] = []
        /// The docker `config.json` to use (none by default).
        var dockerConfig: String? = nil
        var target: Target = .layout
        /// Run the binary as `nobody` (so file permissions count, which they do not for root).
        var unprivileged = false
        /// What the error line must not contain.
        var forbidden: [String] = []

        var testDescription: String { name }
    }

    static let base = "name: bad\nbase_image: python:3.11-slim\n"

    /// Nine levels of nine aliases: 9^9 values once expanded.
    static let aliasBomb =
        base + "env:\n  A: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + (1..<9).map { level -> String in
            let name = String(UnicodeScalar(UInt8(97 + level)))
            let previous = String(UnicodeScalar(UInt8(96 + level)))
            return "  \(name.uppercased()): &\(name) ["
                + Array(repeating: "*\(previous)", count: 9).joined(
                    separator: ", ") + "]\n"
        }.joined()

    /// The same bomb used as a mapping key (hashed while the YAML is composed).
    static let aliasKeyBomb =
        "x: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + (1..<8).map { level -> String in
            let name = String(UnicodeScalar(UInt8(97 + level)))
            let previous = String(UnicodeScalar(UInt8(96 + level)))
            return "x\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }.joined() + "? *h\n: 1\n"

    static func symlink(_ link: String, to target: String) -> @Sendable (String) throws -> Void {
        { directory in
            let resolved = target.hasPrefix("/") ? target : directory + "/" + target
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + link, withDestinationPath: resolved)
        }
    }

    static let outside: @Sendable (String) throws -> Void = { directory in
        try FileManager.default.createDirectory(
            atPath: directory + "/elsewhere/secrets", withIntermediateDirectories: true)
        try "outside secret\n".write(toFile: directory + "/elsewhere/secret.txt", atomically: true, encoding: .utf8)
        try "outside secret\n".write(
            toFile: directory + "/elsewhere/secrets/key.txt", atomically: true, encoding: .utf8)
    }

    static let cases: [Case] = [
        // YAML and JSON loading
        Case(name: "YAML alias bomb", spec: aliasBomb, mentions: ["spec.yaml:", "alias"]),
        Case(name: "YAML alias bomb as a key", spec: aliasKeyBomb, mentions: ["spec.yaml:", "alias"]),
        Case(name: "invalid YAML syntax", spec: "name: [unclosed\n", mentions: ["spec.yaml:", "invalid YAML"]),
        Case(name: "tab indentation", spec: "name: x\n\tpackages: []\n", mentions: ["spec.yaml:"]),
        Case(name: "not UTF-8", spec: "name: caf\u{FFFD}\n", mentions: ["spec.yaml:", "UTF-8"]),
        Case(name: "unknown field", spec: base + "pakages: [numpy]\n", mentions: ["spec.yaml:", "pakages"]),
        Case(name: "duplicate key", spec: base + "name: again\n", mentions: ["spec.yaml:", "duplicate key"]),
        Case(name: "name not a string", spec: "name: [a]\n", mentions: ["spec.yaml:", "name"]),
        Case(
            name: "invalid registry", spec: base + "registry: Http://Bad Registry\n",
            mentions: ["spec.yaml:", "registry"]),
        Case(
            name: "packages not a list of strings", spec: base + "packages: numpy\n",
            mentions: ["spec.yaml:", "packages"]),
        Case(
            name: "source_copy_mode unknown", spec: base + "source_root: .\nsource_copy_mode: some\n",
            mentions: ["spec.yaml:", "source_copy_mode"]),
        Case(
            name: "a date as a value", spec: base + "env: {WHEN: 2024-01-01}\n",
            mentions: ["spec.yaml:", "2024-01-01"]),
        Case(
            name: "a Python tag", spec: base + "packages: !!python/object:os.system [x]\n",
            mentions: ["spec.yaml:", "tag"]),
        Case(name: "malformed JSON spec", spec: "{\"name\": \"bad\", ", mentions: ["spec.json"]),
        Case(name: "spec is a list", spec: "- a\n- b\n", mentions: ["spec.yaml"]),
        Case(
            name: "tag_format without {spec_hash}", spec: base + "tag_format: \"{bogus}\"\n",
            mentions: ["tag_format"]),
        // env
        Case(name: "env value is a list", spec: base + "env: {PATHS: [a, b]}\n", mentions: ["env", "PATHS"]),
        Case(name: "env value is null", spec: base + "env: {EMPTY: null}\n", mentions: ["env.EMPTY", "null"]),
        Case(name: "env name with =", spec: base + "env: {\"A=B\": c}\n", mentions: ["env", "'A=B'"]),
        Case(name: "env name empty", spec: base + "env: {\"\": c}\n", mentions: ["env", "empty name"]),
        Case(name: "env name with a space", spec: base + "env: {\"A B\": c}\n", mentions: ["env", "'A B'"]),
        // python_version
        Case(
            name: "python_version not a version", spec: base + "python_version: latest\n",
            mentions: ["python_version", "latest"]),
        Case(
            name: "python_version differs from the base's Python",
            spec: "name: bad\nregistry: REGISTRY/acme\nbase_image: BASE\npython_version: \"3.9\"\n",
            mentions: ["python_version \"3.9\"", "BASE", "Python 3."], target: .registry),
        // pip_extra_args
        Case(
            name: "pip_extra_args --target", spec: base + "pip_extra_args: --target /tmp/elsewhere\n",
            mentions: ["pip_extra_args", "--target"]),
        Case(
            name: "pip_extra_args --cache-dir=", spec: base + "pip_extra_args: --cache-dir=/tmp/c\n",
            mentions: ["pip_extra_args", "--cache-dir"]),
        Case(
            name: "pip_extra_args host requirements file", spec: base + "pip_extra_args: -r DIR/secret.txt\n",
            mentions: ["pip_extra_args", "\"-r\""], files: ["secret.txt": "hunter2-do-not-echo\n"]),
        Case(
            name: "pip_extra_args clustered -qr", spec: base + "pip_extra_args: -qrDIR/secret.txt\n",
            mentions: ["pip_extra_args", "-qr"], files: ["secret.txt": "hunter2-do-not-echo\n"]),
        Case(
            name: "pip_extra_args --python", spec: base + "pip_extra_args: --python /usr/bin/python3\n",
            mentions: ["pip_extra_args", "--python"]),
        Case(
            name: "pip_extra_args --config-file", spec: base + "pip_extra_args: --config-file DIR/uv.toml\n",
            mentions: ["pip_extra_args", "--config-file"]),
        Case(
            name: "pip_extra_args --find-links to a file", spec: base + "pip_extra_args: --find-links DIR/secret.txt\n",
            mentions: ["pip_extra_args", "--find-links"], files: ["secret.txt": "hunter2-do-not-echo\n"]),
        Case(
            name: "pip_extra_args bare argument", spec: base + "pip_extra_args: /etc/passwd\n",
            mentions: ["pip_extra_args", "/etc/passwd"]),
        Case(
            name: "pip_extra_args unbalanced quote", spec: base + "pip_extra_args: \"--pre 'x\"\n",
            mentions: ["pip_extra_args"]),
        // other plan-time checks
        Case(
            name: "unsupported field", spec: base + "conda_packages: [numpy]\n", mentions: ["conda_packages"]),
        Case(name: "unknown platform", spec: base + "platform: linux/s390x\n", mentions: ["platform", "s390x"]),
        Case(name: "platform empty", spec: base + "platform: \",\"\n", mentions: ["platform"]),
        Case(
            name: "requirements file missing", spec: base + "requirements: absent.txt\n",
            mentions: ["requirements", "absent.txt"]),
        Case(
            name: "uv.lock without pyproject.toml", spec: base + "requirements: uv.lock\n",
            mentions: ["requirements", "pyproject.toml"], files: ["uv.lock": "version = 1\n"]),
        Case(
            name: "apt_packages shell text", spec: base + "apt_packages: [\"git; rm -rf /\"]\n",
            mentions: ["apt_packages[0]"]),
        Case(name: "empty command", spec: base + "commands: [\"  \"]\n", mentions: ["commands[0]"]),
        // files
        Case(name: "copy absolute path", spec: base + "copy: [/etc/passwd]\n", mentions: ["copy", "/etc/passwd"]),
        Case(name: "copy with ..", spec: base + "copy: [../x]\n", mentions: ["copy", "../x"]),
        Case(name: "copy entry missing", spec: base + "copy: [absent.txt]\n", mentions: ["copy", "absent.txt"]),
        Case(
            name: "copy symlink to a file outside", spec: base + "copy: [link.txt]\n",
            mentions: ["copy entry 'link.txt'", "project/link.txt", "elsewhere/secret.txt"],
            files: ["project/ok.txt": "ok\n"],
            prepare: { directory in
                try outside(directory)
                try symlink("project/link.txt", to: "elsewhere/secret.txt")(directory)
            }, arguments: ["--cwd", "DIR/project"]),
        Case(
            name: "copy below a symlinked directory outside", spec: base + "copy: [linked/key.txt]\n",
            mentions: ["project/linked", "elsewhere/secrets"], files: ["project/ok.txt": "ok\n"],
            prepare: { directory in
                try outside(directory)
                try symlink("project/linked", to: "elsewhere/secrets")(directory)
            }, arguments: ["--cwd", "DIR/project"]),
        Case(
            name: "source_root symlink to a file outside",
            spec: base + "source_root: project\nsource_copy_mode: ALL\n",
            mentions: ["source_root file 'link.txt'", "elsewhere/secret.txt"], files: ["project/main.py": "x = 1\n"],
            prepare: { directory in
                try outside(directory)
                try symlink("project/link.txt", to: "elsewhere/secret.txt")(directory)
            }),
        Case(
            // The opt-in passes the link (the build then stops at the next problem, the docker config).
            name: "symlink outside with --follow-external-symlinks, then a corrupt config.json",
            spec: base + "copy: [link.txt]\n", mentions: ["config.json"], files: ["project/ok.txt": "ok\n"],
            prepare: { directory in
                try outside(directory)
                try symlink("project/link.txt", to: "elsewhere/secret.txt")(directory)
            }, arguments: ["--cwd", "DIR/project", "--follow-external-symlinks"], dockerConfig: "{",
            forbidden: ["symlink"]),
        Case(
            name: "source_root not a directory", spec: base + "source_root: absent\nsource_copy_mode: ALL\n",
            mentions: ["source_root", "absent"]),
        Case(
            name: "source_root holds a FIFO", spec: base + "source_root: project\nsource_copy_mode: ALL\n",
            mentions: ["source_root", "pipe"], files: ["project/main.py": "x = 1\n"],
            prepare: { directory in
                guard mkfifo(directory + "/project/pipe", 0o644) == 0 else { throw TestSupportError("mkfifo failed") }
            }),
        Case(
            name: "source_root file the build cannot read",
            spec: base + "source_root: project\nsource_copy_mode: ALL\n",
            mentions: ["source_root", "project/locked.py"],
            files: ["project/main.py": "x = 1\n", "project/locked.py": ""],
            prepare: { directory in chmod(directory + "/project/locked.py", 0) }, unprivileged: true),
        Case(
            name: "source_root directory the build cannot read",
            spec: base + "source_root: project\nsource_copy_mode: ALL\n",
            mentions: ["source_root", "project/locked"],
            files: ["project/main.py": "x = 1\n", "project/locked/hidden.py": "y = 2\n"],
            prepare: { directory in chmod(directory + "/project/locked", 0) }, unprivileged: true),
        // command line and environment
        Case(
            name: "corrupt docker config.json", spec: base, mentions: ["config.json", "not a valid docker config"],
            dockerConfig: #"{"auths": {"#),
        Case(
            name: "unknown --output kind", spec: base, mentions: ["--output"], arguments: ["--output", "tarball:x"]),
        Case(
            name: "zero --step-timeout", spec: base, mentions: ["--step-timeout"],
            arguments: ["--step-timeout", "0"]),
        Case(name: "bad --compression", spec: base, mentions: ["brotli"], arguments: ["--compression", "brotli"]),
    ]

    @Test("one line, exit 2, no tag", arguments: cases)
    func badInput(_ item: Case) async throws {
        let directory = try makeTemporaryDirectory()
        defer {
            _ = try? ExternalTool.run("chmod", ["-R", "u+rwx", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        var registry: RegistryFixture?
        var baseReference = ""
        if item.target == .registry {
            let started = try await RegistryFixture.start()
            registry = started
            baseReference = try await PythonBaseFixture.push(to: started)
        }
        defer { registry?.stop() }
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "DIR", with: directory).replacingOccurrences(of: "BASE", with: baseReference)
                .replacingOccurrences(of: "REGISTRY", with: registry?.host ?? "")
        }
        for (path, content) in item.files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: directory + "/docker", withIntermediateDirectories: true)
        if let config = item.dockerConfig {
            try config.write(toFile: directory + "/docker/config.json", atomically: true, encoding: .utf8)
        }
        try item.prepare?(directory)
        let spec = directory + (item.spec.hasPrefix("{") ? "/spec.json" : "/spec.yaml")
        var specText = Data(fill(item.spec).utf8)
        if item.name == "not UTF-8" {
            specText = Data("name: caf".utf8) + Data([0xE9, 0x0A])
        }
        try specText.write(to: URL(fileURLWithPath: spec))

        var arguments = ["build", spec, "--quiet", "--cache-dir", directory + "/cache"]
        if item.target == .layout { arguments += ["--output", "oci:\(directory)/out"] }
        arguments += item.arguments.map(fill)
        var executable = try TestEnvironment.requireImagespecBinary()
        if item.unprivileged {
            // The binary runs as nobody: it must reach the directory, and must not read what mode 000 hides.
            _ = try ExternalTool.run("chmod", ["0777", directory])
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", executable] + arguments
            executable = "setpriv"
        }
        let result = try await ExternalTool.runAsync(
            executable, arguments,
            environment: [
                "DOCKER_CONFIG": directory + "/docker", "HOME": directory, "UV_CACHE_DIR": directory + "/uv-cache",
                "UV_OFFLINE": "1",
            ],
            unsetting: ["FLYTE_FORCE_PUSH_IMAGE_SPEC", "DOCKER_AUTH_CONFIG", "IMAGESPEC_REGISTRIES_CONF"],
            timeout: .seconds(120))

        print("---- \(item.name): exit \(result.status)\n\(result.stderr)", terminator: "")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(result.status == 2, "exit \(result.status); stderr: \(result.stderr)")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        for banned in ["Fatal error", "backtrace", "Stack dump", "Current stack trace", "hunter2"] {
            #expect(!result.stderr.contains(banned), "stderr: \(result.stderr)")
        }
        for word in item.forbidden {
            #expect(!result.stderr.contains(word), "stderr should not mention \(word): \(result.stderr)")
        }
        for word in item.mentions.map(fill) {
            #expect(result.stderr.contains(word), "stderr should mention \(word): \(result.stderr)")
        }
        switch item.target {
        case .layout:
            #expect(Self.layoutManifests(directory + "/out") == 0, "the layout has an image")
        case .registry:
            let manifests = registry!.storagePath + "/docker/registry/v2/repositories/acme/bad/_manifests"
            #expect(!FileManager.default.fileExists(atPath: manifests), "\(manifests) exists")
        }
    }

    /// The number of manifests `index.json` of the layout at `path` lists (0 when there is none).
    static func layoutManifests(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path + "/index.json"),
            let index = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return 0 }
        return (index["manifests"] as? [Any])?.count ?? 0
    }

    @Test func thereAreAtLeastFortyClasses() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    }
}
