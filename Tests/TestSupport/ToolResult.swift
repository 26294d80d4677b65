import Foundation

/// What an external command did: its exit status and everything it printed.
public struct ToolResult: Sendable {
    /// The command line that ran, for messages (`skopeo copy …`).
    public let commandLine: String
    /// The exit status; for a process killed by a signal, 128 + the signal number (as a shell reports it).
    public let status: Int32
    /// Everything written to standard output.
    public let stdoutData: Data
    /// Everything written to standard error.
    public let stderrData: Data

    /// Creates a result (used by `ExternalTool`).
    public init(commandLine: String, status: Int32, stdoutData: Data, stderrData: Data) {
        self.commandLine = commandLine
        self.status = status
        self.stdoutData = stdoutData
        self.stderrData = stderrData
    }

    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    /// Whether the command exited with status 0.
    public var succeeded: Bool { status == 0 }

    /// Returns `self` when the command succeeded, else throws an error quoting the status and stderr's last lines.
    @discardableResult
    public func check() throws -> ToolResult {
        guard succeeded else {
            let tail = stderr.split(separator: "\n").suffix(5).joined(separator: " | ")
            let out = tail.isEmpty ? stdout.split(separator: "\n").suffix(3).joined(separator: " | ") : tail
            throw TestSupportError("`\(commandLine)` exited \(status): \(out)")
        }
        return self
    }
}
