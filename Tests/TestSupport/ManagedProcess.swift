import Foundation
import Synchronization

/// A long-running child process owned by a fixture (docker-registry, the token server): started with its output
/// appended to a log file, stopped by its own PID only (SIGTERM, then SIGKILL), reaped by Foundation.
final class ManagedProcess: Sendable {
    /// The child's PID.
    let pid: Int32
    /// The executable, for messages.
    let name: String
    /// Where standard output and standard error go.
    let logPath: String
    private let process: Mutex<Process>

    private init(process: sending Process, name: String, logPath: String) {
        self.pid = process.processIdentifier
        self.name = name
        self.logPath = logPath
        self.process = Mutex(process)
    }

    /// Starts `executable` with `arguments`; stdout and stderr are written to `logPath` (created or truncated).
    static func launch(
        _ executable: String, _ arguments: [String], environment: [String: String], logPath: String
    ) throws -> ManagedProcess {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw TestSupportError("cannot write \(logPath)")
        }
        defer { try? log.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try withUnblockedSignals { try process.run() }
        } catch {
            throw TestSupportError("cannot start \(executable): \(error.localizedDescription)")
        }
        return ManagedProcess(process: process, name: (executable as NSString).lastPathComponent, logPath: logPath)
    }

    /// Whether the child is still running (false once it exited and was reaped).
    var isRunning: Bool {
        process.withLock { $0.isRunning }
    }

    /// The log so far.
    func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The last lines of the log, for error messages.
    func logTail(lines: Int = 5) -> String {
        log().split(separator: "\n").suffix(lines).joined(separator: " | ")
    }

    /// Stops the child: SIGTERM, up to `grace` to exit, then SIGKILL; returns once it is gone. Idempotent.
    func stop(grace: Duration = .seconds(3)) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if waitForExit(within: grace) { return }
        kill(pid, SIGKILL)
        _ = waitForExit(within: .seconds(5))
    }

    private func waitForExit(within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if !isRunning { return true }
            usleep(10_000)
        }
        return !isRunning
    }
}
