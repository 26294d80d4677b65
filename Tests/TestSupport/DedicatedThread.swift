import Foundation

/// Runs blocking work (waiting for processes, polling sockets) on a thread of its own instead of Swift
/// concurrency's cooperative pool. That pool has one thread per core (two here): when parallel tests block it,
/// a fixture polling from a task would not even get to look at its clock, and time out under load.
enum DedicatedThread {
    /// Runs `body` on a new thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = "imagespec-test-support"
            thread.start()
        }
    }
}
