import Dispatch
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How imagespec starts every child process (uv, python, tar, credential helpers, the runner's `unshare`), so that
/// none outlives it:
///
/// - each child leads its own process group, and a cancelled task (SIGINT/SIGTERM cancel the command) sends SIGTERM
///   to the whole group, then SIGKILL after ``gracePeriod`` — the build then waits for the group to be gone;
/// - each child runs under `setpriv --pdeathsig KILL` (util-linux), which sets `PR_SET_PDEATHSIG` in the child
///   before it executes the real program, so a SIGKILLed imagespec takes its children with it. The kernel sends
///   that signal when the *thread* that forked the child ends, so children are only ever forked by threads that
///   live as long as the process: swift-subprocess's own spawn thread, and ``onSpawnThread(_:)`` for `posix_spawn`.
///   (A child whose parent dies in the instant between its fork and `setpriv`'s `prctl` is not covered.)
///
/// Without `setpriv` (not Linux, or util-linux missing; `--pdeathsig` needs util-linux 2.33 or later) children are started directly: the process-group teardown
/// still applies, only the SIGKILL guarantee is lost.
package enum ChildLifetime {
    /// How long a child's process group has between SIGTERM and SIGKILL when its task is cancelled.
    package static let gracePeriod: Duration = .seconds(2)

    /// `setpriv`, when it exists.
    package static let deathSignalShim: String? = {
        #if os(Linux)
            for candidate in ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv"]
            where access(candidate, X_OK) == 0 {
                return candidate
            }
        #endif
        return nil
    }()

    /// The command line that runs `executable` (an absolute path, or a name looked up on the child's `PATH`) with
    /// `arguments` so that it is killed when imagespec dies.
    package static func command(_ executable: String, _ arguments: [String]) -> (
        executable: String, arguments: [String]
    ) {
        guard let shim = deathSignalShim else { return (executable, arguments) }
        return (shim, ["--pdeathsig", "KILL", "--", executable] + arguments)
    }

    /// ``command(_:_:)`` in swift-subprocess's terms.
    package static func subprocess(_ executable: String, _ arguments: [String]) -> (Executable, Arguments) {
        let (program, all) = command(executable, arguments)
        let resolved: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        return (resolved, Arguments(all))
    }

    /// swift-subprocess options: a process group of its own, torn down as a group (SIGTERM, then SIGKILL).
    package static var platformOptions: PlatformOptions {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: gracePeriod)
        ]
        return options
    }

    /// Runs `body` (a `posix_spawn`) on a thread that lives as long as the process, so the child's parent-death
    /// signal fires only when imagespec itself ends.
    package static func onSpawnThread<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try withoutActuallyEscaping(body) { (body) throws(E) -> T in
            let handoff = Handoff<T, E>(body)
            SpawnThread.shared.enqueue { handoff.run() }
            handoff.done.wait()
            return try handoff.outcome!.get()
        }
    }
}

/// A closure, its result and a semaphore handed to ``SpawnThread``; the caller blocks until the result is set, so
/// nothing is shared while both threads run.
private final class Handoff<T, E: Error>: @unchecked Sendable {
    var body: (() throws(E) -> T)?
    var outcome: Result<T, E>?
    let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping () throws(E) -> T) {
        self.body = body
    }

    func run() {
        do throws(E) {
            outcome = .success(try body!())
        } catch {
            outcome = .failure(error)
        }
        body = nil  // released before the caller returns: `withoutActuallyEscaping` checks that
        done.signal()
    }
}

/// One thread, started on first use and never ended, that runs closures in order.
private final class SpawnThread: Sendable {
    static let shared = SpawnThread()

    private let queue = Mutex<[@Sendable () -> Void]>([])
    private let pending = DispatchSemaphore(value: 0)

    private init() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { context in
                let owner = Unmanaged<SpawnThread>.fromOpaque(context!).takeUnretainedValue()
                owner.loop()
                return nil
            }, context)
        precondition(result == 0, "cannot start the child-spawning thread: \(String(cString: strerror(result)))")
        pthread_detach(thread)
    }

    func enqueue(_ work: @escaping @Sendable () -> Void) {
        queue.withLock { $0.append(work) }
        pending.signal()
    }

    private func loop() -> Never {
        while true {
            pending.wait()
            let work = queue.withLock { $0.removeFirst() }
            work()
        }
    }
}
