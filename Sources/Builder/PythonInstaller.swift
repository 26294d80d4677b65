import Foundation
import OCI
import Subprocess

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

    /// Finds `uv` (`executable`, else on `PATH` of `environment`).
    ///
    /// - Throws: ``BuildError`` of kind ``BuildError/Kind/missingTool`` saying how to install it.
    public init(executable: String? = nil, environment: [String: String]) throws(BuildError) {
        self.environment = environment
        if let executable {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw BuildError(.missingTool, "uv executable \(executable) does not exist or is not executable")
            }
            uv = executable
            return
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/uv"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                uv = candidate
                return
            }
        }
        throw BuildError(
            .missingTool,
            "uv not found on PATH — install it (pip install uv, or scripts/setup.sh) or put its directory on PATH")
    }

    /// The `uv` arguments that install `requirementsFile` into `staging`.
    public static func arguments(
        plan: BuildPlan, python: PythonTarget, platform: Platform, requirementsFile: String, staging: String
    ) -> [String] {
        var arguments = [
            "pip", "install", "--target", staging,
            "--python-platform", PythonTarget.wheelPlatform(for: platform) ?? "x86_64-manylinux_2_28",
            "--python-version", python.version, "--only-binary", ":all:",
        ]
        if let index = plan.indexURL {
            arguments += ["--index-url", index]
        }
        for url in plan.extraIndexURLs {
            arguments += ["--extra-index-url", url]
        }
        arguments += plan.extraInstallArguments
        arguments += ["-r", requirementsFile]
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
        let requirementsFile = staging + ".requirements.txt"
        var text = plan.requirements.joined(separator: "\n") + "\n"
        if let lockFile = plan.lockFile {
            text = try await export(lockFile: lockFile, secrets: plan.secretMounts)
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: requirementsFile))
        } catch {
            throw BuildError(.io, "cannot write \(requirementsFile): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: requirementsFile) }
        let arguments = Self.arguments(
            plan: plan, python: python, platform: platform, requirementsFile: requirementsFile, staging: staging)
        let finalEnvironment = childEnvironment(secrets: plan.secretMounts)
        let result: ExecutionResult<Void, DiscardedOutput, StringOutput<UTF8>>
        do {
            result = try await Subprocess.run(
                .path(FilePath(uv)), arguments: Arguments(arguments), environment: .custom(finalEnvironment),
                workingDirectory: FilePath(plan.workingDirectory), output: .discarded,
                error: .string(limit: 8 << 20))
        } catch {
            throw BuildError(.installFailed, "could not run \(uv): \(error)")
        }
        guard case .exited(0) = result.terminationStatus else {
            let reason = SecretMount.redact(
                Self.reason(fromStandardError: result.standardError), secrets: plan.secretMounts)
            throw BuildError(
                .installFailed,
                "uv could not install the packages for \(platform) (Python \(python.version)): \(reason)")
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
            let result = try await Subprocess.run(
                .path(FilePath(uv)),
                arguments: [
                    "export", "--frozen", "--no-dev", "--no-emit-project", "--format", "requirements-txt",
                    "--no-header",
                ],
                environment: .custom(childEnvironment(secrets: secrets)), workingDirectory: FilePath(directory),
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
