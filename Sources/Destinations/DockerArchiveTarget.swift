import Layers
import Registry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What is at a `docker-archive:PATH` destination, which decides how the archive is written.
public enum DockerArchiveTarget: Sendable, Hashable {
    /// Nothing, or a regular file: written to a temporary file and renamed over `PATH` (atomic).
    case file
    /// A FIFO or a character device (a terminal, `/dev/null`): opened and written as a stream, never replaced.
    case stream
    /// `-`, or a path that is this process's standard output (`/dev/stdout`, whatever kind of file standard output
    /// is — a pipe, a terminal, or a regular file it was redirected to): written to descriptor 1 as a stream.
    case standardOutput

    /// Looks at `path` (following symbolic links).
    ///
    /// - Throws: ``Registry/RegistryError`` naming `path` when it is a directory, a socket or a block device.
    public init(path: String) throws(RegistryError) {
        if path == "-" {
            self = .standardOutput
            return
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            self = .file  // nothing there (yet): an error to create it is reported when writing
            return
        }
        var output = stat()
        if fstat(1, &output) == 0 && output.st_dev == info.st_dev && output.st_ino == info.st_ino {
            self = .standardOutput
            return
        }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            self = .file
            return
        case S_IFIFO, S_IFCHR:
            self = .stream
            return
        case S_IFDIR: kind = "a directory"
        case S_IFSOCK: kind = "a socket"
        case S_IFBLK: kind = "a block device"
        default: kind = "not a regular file"
        }
        throw RegistryError(
            kind: .io,
            message: "docker-archive:\(path): \(path) is \(kind) — give a file path, a FIFO, a character device or "
                + "- (standard output)",
            isTemporary: false)
    }

    /// Where a `.file` archive is renamed to: `path`, or the file a symbolic link at `path` points to (the link
    /// itself is never replaced).
    static func replaceablePath(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) else {
            return path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether the archive goes to this process's standard output (so nothing else may be printed there).
    public var isStandardOutput: Bool { self == .standardOutput }

    /// The descriptor the archive is written to: `path` created (`.file`, a temporary path) or opened (`.stream`),
    /// or descriptor 1 (`.standardOutput`, not to be closed).
    func openForWriting(_ path: String) throws(LayerError) -> Int32 {
        if self == .standardOutput { return 1 }
        let flags = self == .file ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_WRONLY | O_CLOEXEC
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw LayerError(.io, "cannot open \(path) for writing: \(String(cString: strerror(errno)))")
        }
        return descriptor
    }
}
