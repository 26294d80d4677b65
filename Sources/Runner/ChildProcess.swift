import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A child started with `posix_spawn`: clean signal mask and dispositions, its own process group, killed when
/// imagespec dies (``Support/ChildLifetime``), and a `kill` that never hits a reused process id (the child is only
/// reaped while the same lock is held).
final class ChildProcess: Sendable {
    /// How the child ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The shell convention: the exit status, or 128 + the signal number.
        var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }
    }

    let pid: pid_t
    private let reaped = Mutex<Bool>(false)

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `executable` (an absolute path) with `arguments` (without argv[0], which is `executable`) and exactly
    /// `environment`. `fileDescriptors` maps child descriptor → parent descriptor; all other descriptors are
    /// closed in the child when they have `O_CLOEXEC` (everything this module opens does).
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String], fileDescriptors: [Int32: Int32]
    ) throws(RunError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (child, parent) in fileDescriptors.sorted(by: { $0.key < $1.key }) {
            posix_spawn_file_actions_adddup2(&actions, parent, child)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP {
            sigaddset(&defaults, Int32(signal))
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let (program, allArguments) = ChildLifetime.command(executable, arguments)
        let argv = ([program] + allArguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = ChildLifetime.onSpawnThread {
            posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        }
        if result != 0 {
            throw RunError(.io, "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Sends `signal` to the child and its process group, unless it has already been reaped.
    func kill(_ signal: Int32) {
        reaped.withLock { done in
            guard !done else { return }
            _ = Glibc.kill(-pid, signal)
            _ = Glibc.kill(pid, signal)
        }
    }

    /// Blocks until the child ends and reaps it.
    func wait() -> Termination {
        // Wait without reaping first, so `kill` can never signal a recycled pid.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        return reaped.withLock { done in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            done = true
            if status & 0x7f == 0 {
                return .exited((status >> 8) & 0xff)
            }
            return .signalled(status & 0x7f)
        }
    }
}
