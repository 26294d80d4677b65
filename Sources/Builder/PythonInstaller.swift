import Foundation
import OCI
import Subprocess
import Support

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Installs Python requirements for an image's platform and Python version into a staging directory with
/// `uv pip install --target`, without running any code of the image.
///
/// Only wheels are accepted (`--only-binary :all:`): an sdist would have to be built for the image's platform.
/// `pip_secret_mounts` files reach uv through environment variables (``SecretMount``) and are never copied.
public struct PythonInstaller: Sendable {
    /// The `uv` executable.
    public let uv: String
    /// Environment for `uv`.
    public let environment: [String: String]

    /// Finds `uv`: `executable` if given, else the first `uv` in `searchFirst` (the CLI passes the directory of its
    /// own executable: a wheel install puts `imagespec` and `uv` side by side in the venv's `bin`), else the first on
    /// `PATH` of `environment`.
    ///
    /// - Throws: ``BuildError`` of kind ``BuildError/Kind/missingTool`` saying how to install it.
    public init(executable: String? = nil, searchFirst: [String] = [], environment: [String: String])
        throws(BuildError)
    {
        self.environment = environment
        if let executable {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw BuildError(.missingTool, "uv executable \(executable) does not exist or is not executable")
            }
            uv = executable
            return
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = searchFirst + path.split(separator: ":").map(String.init)
        for directory in directories where !directory.isEmpty {
            let candidate = "\(directory)/uv"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                uv = candidate
                return
            }
        }
        throw BuildError(
            .missingTool,
            "uv not found next to imagespec or on PATH — install it (pip install uv, or scripts/setup.sh) or put its "
                + "directory on PATH")
    }

    /// The directory of the running executable (`/proc/self/exe` with symlinks resolved, else `argv[0]` made
    /// absolute), or nil when neither names an existing file.
    public static func runningExecutableDirectory() -> String? {
        let fileManager = FileManager.default
        var executable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        if executable == nil, let first = CommandLine.arguments.first, first.contains("/") {
            let absolute = first.hasPrefix("/") ? first : fileManager.currentDirectoryPath + "/" + first
            executable = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
        }
        guard let executable, executable.hasPrefix("/"), fileManager.fileExists(atPath: executable) else {
            return nil
        }
        return (executable as NSString).deletingLastPathComponent
    }

    /// The `uv` arguments that install `requirementsFile` (with `constraintsFile`, and extra indexes from a lock)
    /// into `staging`.
    public static func arguments(
        plan: BuildPlan, python: PythonTarget, platform: Platform, requirementsFile: String, staging: String,
        constraintsFile: String? = nil, lockIndexURLs: [String] = []
    ) -> [String] {
        var arguments = [
            "pip", "install", "--target", staging,
            "--python-platform", PythonTarget.wheelPlatform(for: platform) ?? "x86_64-manylinux_2_28",
            "--python-version", python.version, "--only-binary", ":all:",
        ]
        if let index = plan.indexURL {
            arguments += ["--index-url", index]
        }
        for url in plan.extraIndexURLs + lockIndexURLs.filter({ !plan.extraIndexURLs.contains($0) }) {
            arguments += ["--extra-index-url", url]
        }
        arguments += plan.extraInstallArguments
        arguments += ["-r", requirementsFile]
        if let constraintsFile {
            arguments += ["-c", constraintsFile]
        }
        return arguments
    }

    /// Installs `plan.requirements` for `platform`/`python` into `staging` (created if needed).
    ///
    /// - Throws: ``BuildError`` of kind ``BuildError/Kind/installFailed`` with uv's own explanation on one line.
    public func install(
        plan: BuildPlan, python: PythonTarget, platform: Platform, staging: String
    ) async throws(BuildError) {
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw BuildError(.io, "cannot create the staging directory \(staging): \(error.localizedDescription)")
        }
        if plan.lockFile == nil && plan.requirements.isEmpty { return }  // nothing to install (e.g. apt only)
        let requirementsFile = staging + ".requirements.txt"
        let constraintsFile = staging + ".constraints.txt"
        var text = plan.requirements.joined(separator: "\n") + "\n"
        var poetry: PoetryExport?
        if let lockFile = plan.lockFile {
            if (lockFile as NSString).lastPathComponent == "poetry.lock" {
                let export = try PoetryExport(lockPath: lockFile)
                guard !export.requirements.isEmpty else { return }  // a project without dependencies
                text = export.requirements.joined(separator: "\n") + "\n"
                try Self.write(export.constraints.joined(separator: "\n") + "\n", to: constraintsFile)
                poetry = export
            } else {
                text = try await export(lockFile: lockFile, secrets: plan.secretMounts)
            }
        }
        try Self.write(text, to: requirementsFile)
        defer {
            try? FileManager.default.removeItem(atPath: requirementsFile)
            try? FileManager.default.removeItem(atPath: constraintsFile)
        }
        let arguments = Self.arguments(
            plan: plan, python: python, platform: platform, requirementsFile: requirementsFile, staging: staging,
            constraintsFile: poetry == nil ? nil : constraintsFile, lockIndexURLs: poetry?.extraIndexURLs ?? [])
        let finalEnvironment = childEnvironment(secrets: plan.secretMounts)
        let (executable, allArguments) = ChildLifetime.subprocess(uv, arguments)
        let result: ExecutionResult<Void, DiscardedOutput, StringOutput<UTF8>>
        do {
            result = try await Subprocess.run(
                executable, arguments: allArguments, environment: .custom(finalEnvironment),
                workingDirectory: FilePath(plan.workingDirectory), platformOptions: ChildLifetime.platformOptions,
                output: .discarded, error: .string(limit: 8 << 20))
        } catch {
            throw BuildError(.installFailed, "could not run \(uv): \(error)")
        }
        // A cancelled build (SIGINT/SIGTERM) stopped uv's process group: that is why uv failed.
        if Task.isCancelled { throw BuildError(.io, "cancelled while uv was installing the packages") }
        guard case .exited(0) = result.terminationStatus else {
            let reason = SecretMount.redact(
                Self.reason(fromStandardError: result.standardError), secrets: plan.secretMounts)
            throw BuildError(
                .installFailed,
                "uv could not install the packages for \(platform) (Python \(python.version)): \(reason)")
        }
        try poetry?.verify(installedIn: staging)
    }

    static func write(_ text: String, to path: String) throws(BuildError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw BuildError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The environment for uv: ``environment``, no progress bars, and the secret files' variables.
    func childEnvironment(secrets: [SecretMount]) -> [Environment.Key: String] {
        var result: [Environment.Key: String] = [:]
        for (key, value) in environment {
            result[Environment.Key(stringLiteral: key)] = value
        }
        result["UV_NO_PROGRESS"] = "1"
        for secret in secrets {
            result[Environment.Key(stringLiteral: secret.use.environmentVariable)] = secret.source
        }
        return result
    }

    /// The requirements of `lockFile` (a `uv.lock` next to its `pyproject.toml`) without dev dependencies and
    /// without the project itself, with hashes: `uv export --frozen --no-dev --no-emit-project`.
    public func export(lockFile: String, secrets: [SecretMount] = []) async throws(BuildError) -> String {
        let directory = (lockFile as NSString).deletingLastPathComponent
        let output: String
        let errorText: String
        let succeeded: Bool
        do {
            let (executable, arguments) = ChildLifetime.subprocess(
                uv,
                [
                    "export", "--frozen", "--no-dev", "--no-emit-project", "--format", "requirements-txt",
                    "--no-header",
                ])
            let result = try await Subprocess.run(
                executable, arguments: arguments, environment: .custom(childEnvironment(secrets: secrets)),
                workingDirectory: FilePath(directory), platformOptions: ChildLifetime.platformOptions,
                output: .string(limit: 64 << 20), error: .string(limit: 8 << 20))
            output = result.standardOutput
            errorText = result.standardError
            if case .exited(0) = result.terminationStatus { succeeded = true } else { succeeded = false }
        } catch {
            throw BuildError(.installFailed, "could not run \(uv) export: \(error)")
        }
        guard succeeded else {
            let reason = SecretMount.redact(Self.reason(fromStandardError: errorText), secrets: secrets)
            throw BuildError(.installFailed, "requirements: uv export of \(lockFile) failed: \(reason)")
        }
        return output
    }

    /// uv's error output as one line: progress and interpreter lines dropped, tree-drawing characters removed.
    static func reason(fromStandardError text: String) -> String {
        let decoration = CharacterSet(charactersIn: "×╰─▶│├└┬ ")
        let lines = text.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: decoration.union(.whitespaces))
        }.filter {
            !$0.isEmpty && !$0.hasPrefix("Using ") && !$0.hasPrefix("Resolved ") && !$0.hasPrefix("warning: ")
        }
        let joined = lines.joined(separator: " ")
        guard !joined.isEmpty else { return "uv failed without a message" }
        return joined.count > 600 ? String(joined.prefix(600)) + "…" : joined
    }
}
