import Foundation
import Subprocess
import Support

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// A docker credential helper, `docker-credential-<name>`, run with the `get` verb: the server URL on stdin, JSON
/// `{"ServerURL":…,"Username":…,"Secret":…}` on stdout.
struct CredentialHelper: Sendable {
    /// The suffix after `docker-credential-` (`gcloud`, `ecr-login`, `osxkeychain`).
    let name: String
    /// Where it was configured, for messages: `credHelpers["ghcr.io"] in /home/me/.docker/config.json`.
    let configuredBy: String

    /// The binary name looked up on `PATH`.
    var executableName: String { "docker-credential-\(name)" }

    /// Asks the helper for the credentials of `serverURL`.
    ///
    /// - Returns: nil when the helper says `credentials not found` (anonymous).
    /// - Throws: ``RegistryError`` of kind `credentials` naming the helper: not on `PATH`, non-zero exit, output
    ///   that is not JSON (never echoed: it may hold a secret), or no answer within `timeout`.
    func get(
        serverURL: String, environment: [String: String], timeout: Duration
    ) async throws(RegistryError) -> Credential? {
        guard name.isEmpty == false, !name.contains("/"), !name.contains("\0") else {
            throw .configuration(
                "\(configuredBy): credential helper name \"\(name)\" is not valid — use the part after "
                    + "docker-credential-, e.g. \"gcloud\"")
        }
        guard let executable = Self.findExecutable(executableName, path: environment["PATH"]) else {
            throw .credentials(
                "credential helper \(executableName) (from \(configuredBy)) is not on PATH — install it, add its "
                    + "directory to PATH, or remove that entry")
        }
        let outcome = try await run(
            executable: executable, serverURL: serverURL, environment: environment,
            timeout: timeout)
        return try interpret(outcome, serverURL: serverURL)
    }

    /// What the helper did.
    struct Outcome: Sendable {
        var status: TerminationStatus
        var standardOutput: String
        var standardError: String
    }

    private func run(
        executable: String, serverURL: String, environment: [String: String], timeout: Duration
    ) async throws(RegistryError) -> Outcome {
        var childEnvironment: [Environment.Key: String] = [:]
        for (key, value) in environment {
            childEnvironment[Environment.Key(stringLiteral: key)] = value
        }
        let finalEnvironment = childEnvironment
        let helperName = executableName
        do {
            return try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    // The server URL reaches the helper's stdin from a temporary file rather than a pipe:
                    // swift-subprocess 1.0 traps when a child exits before the parent finished writing to a pipe
                    // (swiftlang/swift-subprocess#367), and a helper that ignores stdin is allowed to do that.
                    let inputFile = try Self.temporaryInputFile(containing: serverURL)
                    defer { unlink(inputFile) }
                    let descriptor = try FileDescriptor.open(FilePath(inputFile), .readOnly)
                    let (helper, arguments) = ChildLifetime.subprocess(executable, ["get"])
                    let result = try await Subprocess.run(
                        helper, arguments: arguments, environment: .custom(finalEnvironment),
                        platformOptions: ChildLifetime.platformOptions,
                        input: .fileDescriptor(descriptor, closeAfterSpawningProcess: true),
                        output: .string(limit: 1 << 20), error: .string(limit: 1 << 16))
                    return Outcome(
                        status: result.terminationStatus, standardOutput: result.standardOutput,
                        standardError: result.standardError)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let outcome = first else {
                    throw RegistryError.credentials(
                        "credential helper \(helperName) did not answer within \(RegistryError.format(timeout)) "
                            + "for \(serverURL) — check that it works (it may be waiting for a login prompt)")
                }
                return outcome
            }
        } catch let error as RegistryError {
            throw error
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw .credentials(
                "credential helper \(helperName) printed more output than a credential for \(serverURL) — check "
                    + "the helper")
        } catch is CancellationError {
            throw .cancelled()
        } catch {
            throw .credentials(
                "credential helper \(helperName) could not be run for \(serverURL): "
                    + "\(Redaction.oneLine(String(describing: error))) — check that it is executable")
        }
    }

    /// Writes `text` to a new private temporary file and returns its path.
    private static func temporaryInputFile(containing text: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/imagespec-credential-helper.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw RegistryError.io(path: NSTemporaryDirectory(), operation: "create", reason: "mkstemp failed")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else {
            unlink(path)
            throw RegistryError.io(path: path, operation: "write", reason: "short write")
        }
        return path
    }

    private struct Reply: Decodable {
        var ServerURL: String?
        var Username: String?
        var Secret: String?
    }

    private func interpret(_ outcome: Outcome, serverURL: String) throws(RegistryError) -> Credential? {
        let combined = outcome.standardOutput + "\n" + outcome.standardError
        guard outcome.status.isSuccess else {
            if combined.range(of: "credentials not found", options: .caseInsensitive) != nil { return nil }
            let firstLine = [outcome.standardError, outcome.standardOutput]
                .lazy.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .first { !$0.isEmpty }
                .map { String(Redaction.oneLine($0).prefix(200)) }
            var statusText: String
            switch outcome.status {
            case .exited(let code): statusText = "exit status \(code)"
            case .signaled(let signal): statusText = "killed by signal \(signal)"
            }
            if let firstLine { statusText += ": \(firstLine)" }
            throw .credentials(
                "credential helper \(executableName) failed for \(serverURL) (\(statusText)) — check the helper "
                    + "(is it logged in?) or remove it from \(configuredBy)")
        }
        let bytes = Data(outcome.standardOutput.utf8)
        guard let reply = try? JSONDecoder().decode(Reply.self, from: bytes) else {
            throw .credentials(
                "credential helper \(executableName) printed something that is not JSON for \(serverURL) — run "
                    + "`echo \(serverURL) | \(executableName) get` to see what it prints")
        }
        let secret = reply.Secret ?? ""
        let username = reply.Username ?? ""
        guard !secret.isEmpty else {
            // An empty answer is how some helpers say "nothing stored".
            if username.isEmpty { return nil }
            throw .credentials(
                "credential helper \(executableName) returned a user name but no secret for \(serverURL) — log "
                    + "in again with the helper")
        }
        let credential: Credential =
            username == "<token>" ? .identityToken(secret) : .basic(username: username, password: secret)
        Redaction.register(credential)
        return credential
    }

    /// The first executable file called `name` in the directories of `path` (`PATH` syntax; an empty entry is the
    /// current directory). Defaults to `/usr/local/bin:/usr/bin:/bin` when `path` is nil.
    static func findExecutable(_ name: String, path: String?) -> String? {
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(
            separator: ":", omittingEmptySubsequences: false)
        for directory in directories {
            let base = directory.isEmpty ? "." : String(directory)
            let candidate = base.hasSuffix("/") ? base + name : base + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }
}
