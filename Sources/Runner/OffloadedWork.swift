import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs blocking work (pipes, `waitpid`, tree walks) on a thread of its own, so the cooperative pool stays free.
///
/// The thread blocks `SIGPIPE`, so a write into a pipe whose reader died fails with `EPIPE` instead of killing
/// the process.
enum OffloadedWork {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(RunError) -> T) async throws(RunError) -> T {
        let result: Result<T, RunError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                var blocked = sigset_t()
                sigemptyset(&blocked)
                sigaddset(&blocked, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &blocked, nil)
                do throws(RunError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        return try result.get()
    }
}

extension Task where Success == Never, Failure == Never {
    /// Throws ``RunError`` `.cancelled` when the current task is cancelled.
    static func checkCancellation(or what: String) throws(RunError) {
        if Task.isCancelled {
            throw RunError(.cancelled, "cancelled while \(what)")
        }
    }
}
