import Builder
import Foundation
import OCI
import Registry
import Support
import Synchronization

/// Prints ``Builder/BuildEvent``s on standard error: on a terminal, every step plus a line per layer built and per
/// blob pushed with its size; otherwise (logs, CI) only the step lines. `--quiet` and `--json` use no printer.
final class BuildProgressPrinter: Sendable {
    /// Whether layer and blob lines are shown too.
    let detailed: Bool
    private let lock = Mutex(())

    /// A printer; `detailed` defaults to whether standard error is a terminal.
    init(detailed: Bool = isatty(STDERR_FILENO) == 1) {
        self.detailed = detailed
    }

    /// The closure to put in ``Builder/BuildOptions/progress``.
    var progress: BuildProgress {
        { [self] event in self.handle(event) }
    }

    func handle(_ event: BuildEvent) {
        let line: String?
        switch event {
        case .step(let text):
            line = detailed ? "▸ " + text : text
        case .layer(let platform, let digest, let size, let cached, let contents):
            line =
                detailed
                ? "  \(platform) layer \(Self.short(digest)) \(Self.bytes(size))\(cached ? " (cached)" : "") "
                    + contents : nil
        case .output(let platform, let step, let text):
            line = detailed ? "  \(platform) \(step.rawValue) │ \(text)" : nil
        case .blob(let platform, let digest, let size, let outcome):
            line = detailed ? "  \(platform) \(Self.short(digest)) \(Self.bytes(size)) \(outcome.rawValue)" : nil
        }
        guard let line else { return }
        let data = Data((Redaction.text(line) + "\n").utf8)
        lock.withLock { _ in
            data.withUnsafeBytes { buffer in
                _ = POSIXIO.writeAll(STDERR_FILENO, buffer)
            }
        }
    }

    /// `sha256:0123456789ab` (12 hex digits).
    static func short(_ digest: Digest) -> String {
        "\(digest.algorithm):\(digest.encoded.prefix(12))"
    }

    /// `512 B`, `12.3 kB`, `4.1 MB`, `1.2 GB` (powers of 1000).
    static func bytes(_ count: Int64) -> String {
        let units = ["kB", "MB", "GB", "TB"]
        guard count >= 1000 else { return "\(count) B" }
        var value = Double(count)
        var unit = "B"
        for next in units where value >= 1000 {
            value /= 1000
            unit = next
        }
        return String(format: "%.1f %@", value, unit)
    }
}
