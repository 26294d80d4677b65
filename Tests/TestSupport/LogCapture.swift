import Logging
import Synchronization

/// A swift-log backend that keeps every record, plus any other text a test shows to a person (error descriptions),
/// for tests that check what is logged or grep everything for secrets.
public final class LogCapture: Sendable {
    /// One log record.
    public struct Entry: Sendable, Equatable {
        /// The record's level.
        public let level: Logger.Level
        /// The message.
        public let message: String
        /// The handler's and the record's metadata, merged, as text.
        public let metadata: String
    }

    private let store = Mutex<(entries: [Entry], lines: [String])>(([], []))

    /// Creates an empty capture.
    public init() {}

    /// Every log record so far.
    public var entries: [Entry] { store.withLock { $0.entries } }

    /// Every log record (`level message metadata`) and recorded text so far, in order.
    public var lines: [String] { store.withLock { $0.lines } }

    /// The messages logged at `level`.
    public func messages(at level: Logger.Level) -> [String] {
        entries.filter { $0.level == level }.map(\.message)
    }

    /// Records an error description or any other text shown to a person.
    public func record(_ text: String) {
        store.withLock { $0.lines.append(text) }
    }

    /// The secrets among `secrets` that appear in any recorded line.
    public func leaked(_ secrets: [String]) -> [String] {
        let all = lines.joined(separator: "\n")
        return secrets.filter { !$0.isEmpty && all.contains($0) }
    }

    /// A trace-level logger writing into this capture.
    public var logger: Logger {
        var logger = Logger(label: "imagespec.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        store.withLock {
            $0.entries.append(entry)
            $0.lines.append("\(entry.level) \(entry.message) \(entry.metadata)")
        }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append(Entry(level: event.level, message: event.message.description, metadata: "\(merged)"))
        }
    }
}
