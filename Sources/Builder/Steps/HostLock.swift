import Foundation

/// An exclusive `flock(2)` on a file, held until ``release()``: concurrent builds on one machine take turns on what
/// cannot be shared (apt's download cache, which apt itself locks and refuses to wait for).
final class HostLock: Sendable {
    private let descriptor: Int32

    /// Waits for the lock on `path` (created if missing).
    init(path: String) throws(BuildError) {
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw BuildError(.io, "cannot create the directory of \(path): \(error.localizedDescription)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw BuildError(.io, "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BuildError(.io, "cannot lock \(path): \(reason)")
        }
        descriptor = fd
    }

    /// Releases the lock.
    func release() {
        close(descriptor)
    }
}
