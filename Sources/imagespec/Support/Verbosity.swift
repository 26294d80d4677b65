import Logging
import Synchronization

/// Sets up swift-log once per process: log lines go to standard error, at debug level with `--verbose`.
enum Verbosity {
    private static let done = Mutex(false)

    /// Bootstraps the logging system (only the first call has an effect).
    static func bootstrap(verbose: Bool) {
        let first = done.withLock { value in
            defer { value = true }
            return !value
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .warning
            return handler
        }
    }
}
