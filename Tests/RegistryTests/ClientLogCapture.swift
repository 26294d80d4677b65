import Logging
import Synchronization

/// A swift-log backend that keeps every record, for tests that check what the client logs.
final class ClientLogCapture: Sendable {
    /// One log record.
    struct Entry: Sendable, Equatable {
        let level: Logger.Level
        let message: String
    }

    private let store = Mutex<[Entry]>([])

    /// Everything logged so far.
    var entries: [Entry] { store.withLock { $0 } }

    /// The messages logged at `level`.
    func messages(at level: Logger.Level) -> [String] {
        entries.filter { $0.level == level }.map(\.message)
    }

    /// A logger (level `trace`) writing into this capture.
    var logger: Logger {
        var logger = Logger(label: "imagespec.registry.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        store.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let capture: ClientLogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(Entry(level: event.level, message: event.message.description))
        }
    }
}
