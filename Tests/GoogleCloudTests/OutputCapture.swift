import Foundation
import Logging
import Synchronization

/// Every log line (message plus metadata) and error description a test produced, to grep for secrets.
final class OutputCapture: Sendable {
    private let store = Mutex<[String]>([])

    /// Everything recorded so far.
    var lines: [String] { store.withLock { $0 } }

    /// Records an error description or any other text shown to a person.
    func record(_ text: String) {
        store.withLock { $0.append(text) }
    }

    /// A trace-level logger writing message and metadata into this capture.
    var logger: Logger {
        var logger = Logger(label: "imagespec.google.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The secrets among `secrets` that appear in any recorded line.
    func leaked(_ secrets: [String]) -> [String] {
        let all = lines.joined(separator: "\n")
        return secrets.filter { !$0.isEmpty && all.contains($0) }
    }

    private struct Handler: LogHandler {
        let capture: OutputCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.record("\(event.level) \(event.message) \(merged)")
        }
    }
}
