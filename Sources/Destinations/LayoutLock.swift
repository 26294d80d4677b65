import Registry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on a lock file: what lets several processes update one OCI layout's `index.json` without
/// losing each other's entries. The kernel drops the lock when its holder dies, so a killed writer never blocks the
/// next one.
enum LayoutLock {
    /// Runs `body` while this process holds the lock on `path` (created if needed), waiting for it first.
    static func withLock<T>(_ path: String, _ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RegistryError.io(
                path: path, operation: "create the lock file", reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw RegistryError.io(path: path, operation: "lock", reason: String(cString: strerror(errno)))
            }
        }
        return try body()
    }
}
