import Foundation

/// Runs `body` with this thread's signal mask cleared, so a child spawned inside it starts with no blocked signals.
///
/// Children inherit the spawning thread's signal mask, and libdispatch worker threads — which run Swift concurrency
/// tasks and GCD blocks on Linux — block SIGTERM, SIGINT, SIGHUP …: a child started from one could not be stopped
/// with SIGTERM (python, sh) and would exit only on SIGKILL.
func withUnblockedSignals<T>(_ body: () throws -> T) rethrows -> T {
    var empty = sigset_t()
    var previous = sigset_t()
    sigemptyset(&empty)
    pthread_sigmask(SIG_SETMASK, &empty, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}
