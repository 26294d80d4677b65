import Foundation

/// Runs the real tools the tests compare against (skopeo, umoci, curl, python, imagespec …) with Foundation's
/// `Process`: output is captured through files (no pipe deadlocks), standard input is `/dev/null` unless given,
/// and a timeout kills the process (SIGTERM, then SIGKILL).
public enum ExternalTool {
    /// Directories searched after `$PATH` (sbin for runc; the project venv for uv; the Swift toolchain).
    static var extraSearchPath: [String] {
        [TestEnvironment.repoRoot + "/.venv/bin", "/usr/local/sbin", "/usr/sbin", "/sbin", "/opt/swift/usr/bin"]
    }

    /// The absolute path of `name` found on `$PATH` (then sbin, the repo venv and /opt/swift), or `nil`.
    /// A name containing `/` is returned as-is when it is executable.
    public static func which(_ name: String) -> String? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? name : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + extraSearchPath where !directory.isEmpty {
            let candidate = directory + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }

    /// `which(name)`, or an error naming the tool and the fix (`scripts/setup.sh`).
    public static func require(_ name: String) throws -> String {
        guard let path = which(name) else {
            throw TestSupportError("\(name) not found on PATH: run scripts/setup.sh (installs the test tools)")
        }
        return path
    }

    /// Runs `executable` with `arguments` and waits for it, blocking the calling thread.
    ///
    /// - Parameters:
    ///   - executable: a name looked up with `which(_:)`, or a path.
    ///   - environment: variables added to (or replacing) the inherited environment.
    ///   - unsetting: variables removed from the child's environment.
    ///   - inheritEnvironment: start from this process's environment (default) or from an empty one.
    ///   - currentDirectory: working directory of the child (default: this process's).
    ///   - input: bytes fed to standard input (default: `/dev/null`).
    ///   - timeout: the child is killed after this long and `run` throws.
    /// - Returns: the exit status and captured output; a non-zero status is NOT an error (call `check()`).
    @discardableResult
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        unsetting: [String] = [],
        inheritEnvironment: Bool = true,
        currentDirectory: String? = nil,
        input: Data? = nil,
        timeout: Duration = .seconds(300)
    ) throws -> ToolResult {
        let path = try require(executable)
        let commandLine = ([executable] + arguments).map(Self.shellQuote).joined(separator: " ")
        let scratch = try makeTemporaryDirectory(prefix: "imagespec-tool")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/stdout"
        let errPath = scratch + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        guard let outHandle = FileHandle(forWritingAtPath: outPath),
            let errHandle = FileHandle(forWritingAtPath: errPath)
        else { throw TestSupportError("cannot create output files in \(scratch)") }
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = mergedEnvironment(environment, unsetting: unsetting, inherit: inheritEnvironment)
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let input {
            let inPath = scratch + "/stdin"
            try input.write(to: URL(fileURLWithPath: inPath))
            process.standardInput = FileHandle(forReadingAtPath: inPath)
        } else {
            process.standardInput = FileHandle.nullDevice
        }

        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do {
            try withUnblockedSignals { try process.run() }
        } catch {
            throw TestSupportError("cannot start \(path): \(error.localizedDescription)")
        }
        if done.wait(timeout: .now() + timeout.timeInterval) == .timedOut {
            kill(process.processIdentifier, SIGTERM)
            if done.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                done.wait()
            }
            throw TestSupportError("`\(commandLine)` did not finish within \(timeout) and was killed")
        }
        let status: Int32 =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let stdout = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let stderr = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        return ToolResult(commandLine: commandLine, status: status, stdoutData: stdout, stderrData: stderr)
    }

    /// Like `run(…)`, but waits on a thread of its own instead of blocking a Swift concurrency thread.
    /// Use this in `async` tests: the cooperative pool has only one thread per core (two here), and tests that
    /// block it with `run(…)` stall every other test running in parallel.
    @discardableResult
    public static func runAsync(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        unsetting: [String] = [],
        inheritEnvironment: Bool = true,
        currentDirectory: String? = nil,
        input: Data? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> ToolResult {
        try await DedicatedThread.run {
            try run(
                executable, arguments, environment: environment, unsetting: unsetting,
                inheritEnvironment: inheritEnvironment, currentDirectory: currentDirectory, input: input,
                timeout: timeout)
        }
    }

    /// The environment a child gets: inherited (or empty), minus `unsetting`, plus `overrides`.
    static func mergedEnvironment(
        _ overrides: [String: String], unsetting: [String], inherit: Bool
    ) -> [String: String] {
        var environment = inherit ? ProcessInfo.processInfo.environment : [:]
        for key in unsetting {
            environment[key] = nil
        }
        environment.merge(overrides) { _, new in new }
        return environment
    }

    /// Quotes one argument for display like a POSIX shell would need it.
    static func shellQuote(_ argument: String) -> String {
        let safe = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "0123456789-_./:=@%+,")
        if !argument.isEmpty, argument.unicodeScalars.allSatisfy(safe.contains) {
            return argument
        }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension Duration {
    /// The duration in seconds, for Dispatch and Foundation APIs.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
