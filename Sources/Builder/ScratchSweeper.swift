import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Removes the scratch directories of builds that were killed before they could clean up (`<cache>/tmp/build.*`).
///
/// A scratch directory is named `build.<owner pid>-<pid namespace>.XXXXXX`. It is stale when its owner process is
/// gone, or when it was last changed more than ``maximumAge`` ago (a recycled pid, a build in another PID namespace,
/// e.g. another container sharing the cache, or a name from before owners were recorded); the directory of a live
/// concurrent build sharing the cache is left alone.
enum ScratchSweeper {
    /// The name prefix of a build's scratch directory.
    static let prefix = "build."
    /// After how long a scratch directory is stale whatever its owner.
    static let maximumAge: TimeInterval = 24 * 60 * 60

    /// Removes the stale scratch directories in `parent`; errors are ignored (another build may sweep too).
    static func sweep(_ parent: String, now: Date = Date()) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            let path = parent + "/" + name
            if isStale(name: name, path: path, now: now) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Whether the scratch directory `name` (at `path`) belongs to no live build.
    static func isStale(name: String, path: String, now: Date) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
        if now.timeIntervalSince(modified) > maximumAge { return true }
        // An owner this process cannot see (unknown, or in another PID namespace): only age decides.
        guard let owner = owner(of: name), owner.namespace == pidNamespace else { return false }
        return owner.pid != getpid() && kill(owner.pid, 0) != 0 && errno == ESRCH
    }

    /// The name part that records this process: `<pid>-<pid namespace>`.
    static var ownerTag: String { "\(getpid())-\(pidNamespace)" }

    /// This process's PID namespace (the inode of `/proc/self/ns/pid`; 0 when unknown).
    static let pidNamespace: UInt64 = {
        var info = stat()
        guard stat("/proc/self/ns/pid", &info) == 0 else { return 0 }
        return UInt64(info.st_ino)
    }()

    /// The owner recorded in a scratch directory name (`build.<pid>-<namespace>.XXXXXX`).
    static func owner(of name: String) -> (pid: pid_t, namespace: UInt64)? {
        let parts = name.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let owner = parts[0].split(separator: "-")
        guard owner.count == 2, let pid = pid_t(owner[0]), pid > 0, let namespace = UInt64(owner[1]) else {
            return nil
        }
        return (pid, namespace)
    }
}
