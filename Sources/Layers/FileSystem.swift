import Support

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text `strerror` gives for `code`, e.g. "No such file or directory".
func systemErrorText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

/// Thin POSIX helpers: the module reads and writes with system calls so buffers stay under its control.
enum FileSystem {
    /// What `lstat`/`stat` says about a path.
    struct Status {
        /// The file type bits of `st_mode`.
        enum FileType {
            case regular, directory, symlink, fifo, socket, characterDevice, blockDevice, unknown
        }

        let type: FileType
        let permissions: UInt32
        let size: Int64
        let linkCount: UInt64
        let fingerprint: FileFingerprint

        init(_ raw: stat, born: Int64? = nil) {
            switch UInt32(raw.st_mode) & 0o170000 {
            case 0o100000: type = .regular
            case 0o040000: type = .directory
            case 0o120000: type = .symlink
            case 0o010000: type = .fifo
            case 0o140000: type = .socket
            case 0o020000: type = .characterDevice
            case 0o060000: type = .blockDevice
            default: type = .unknown
            }
            permissions = UInt32(raw.st_mode) & 0o7777
            size = Int64(raw.st_size)
            linkCount = UInt64(raw.st_nlink)
            #if canImport(Darwin)
                let modified = Int64(raw.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(raw.st_mtimespec.tv_nsec)
                let changed = Int64(raw.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(raw.st_ctimespec.tv_nsec)
            #else
                let modified = Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec)
                let changed = Int64(raw.st_ctim.tv_sec) * 1_000_000_000 + Int64(raw.st_ctim.tv_nsec)
            #endif
            fingerprint = FileFingerprint(
                device: UInt64(raw.st_dev), inode: UInt64(raw.st_ino), size: Int64(raw.st_size), modified: modified,
                changed: changed, born: born)
        }

        /// A name for the file type in error messages.
        var typeName: String {
            switch type {
            case .regular: "regular file"
            case .directory: "directory"
            case .symlink: "symlink"
            case .fifo: "fifo"
            case .socket: "socket"
            case .characterDevice: "character device"
            case .blockDevice: "block device"
            case .unknown: "file of unknown type"
            }
        }
    }

    /// `lstat` (or `stat` when `follow` is true), or `nil` when the path does not exist.
    static func status(_ path: String, follow: Bool = false) throws(LayerError) -> Status? {
        var raw = stat()
        let result = follow ? stat(path, &raw) : lstat(path, &raw)
        if result != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw LayerError.io("cannot stat", path, errno: code)
        }
        let isRegular = UInt32(raw.st_mode) & 0o170000 == 0o100000
        return Status(raw, born: isRegular ? birthTime(path, follow: follow, raw: raw) : nil)
    }

    /// The birth time of `path` in nanoseconds, or nil when the system or file system does not report one.
    static func birthTime(_ path: String, follow: Bool, raw: stat) -> Int64? {
        #if canImport(Darwin)
            return Int64(raw.st_birthtimespec.tv_sec) * 1_000_000_000 + Int64(raw.st_birthtimespec.tv_nsec)
        #elseif os(Linux)
            return Statx.birthTime(path, follow: follow, inode: UInt64(raw.st_ino))
        #else
            return nil
        #endif
    }

    /// The target of the symlink at `path`, as stored (not resolved).
    static func readLink(_ path: String) throws(LayerError) -> String {
        var capacity = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let count = readlink(path, &buffer, capacity)
            if count < 0 {
                throw LayerError.io("cannot read symlink", path, errno: errno)
            }
            if count < capacity {
                let bytes = buffer[0..<count].map { UInt8(bitPattern: $0) }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw LayerError(
                        .invalidPath, "symlink \(path) has a target that is not valid UTF-8; point it at a UTF-8 path")
                }
                return text
            }
            capacity *= 4
        }
    }

    /// The names in the directory at `path` (without `.` and `..`), in no particular order.
    static func listDirectory(_ path: String) throws(LayerError) -> [String] {
        guard let directory = opendir(path) else {
            throw LayerError.io("cannot list directory", path, errno: errno)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw LayerError.io("cannot list directory", path, errno: errno) }
                break
            }
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                Array(buffer.prefix(while: { $0 != 0 }))
            }
            if raw == [UInt8(ascii: ".")] || raw == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            guard let name = String(validating: raw, as: UTF8.self) else {
                let shown = String(decoding: raw, as: UTF8.self)
                throw LayerError(
                    .invalidPath,
                    "file name \"\(shown)\" in \(path) is not valid UTF-8; layers store UTF-8 paths, rename the file")
            }
            names.append(name)
        }
        return names
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws(LayerError) {
        if let status = try status(path, follow: true) {
            if status.type == .directory { return }
            throw LayerError(.io, "\(path) exists and is not a directory; remove it or choose another directory")
        }
        let parent = parentDirectory(of: path)
        if !parent.isEmpty && parent != path {
            try makeDirectories(parent)
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw LayerError.io("cannot create directory", path, errno: errno)
        }
    }

    /// The directory part of `path` ("" for a bare name, "/" for a top-level path).
    static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// The whole content of a small file, or `nil` when it does not exist.
    static func readSmallFile(_ path: String, limit: Int = 1 << 20) throws(LayerError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw LayerError.io("cannot open", path, errno: errno)
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes {
                POSIXIO.readRetrying(fd, into: $0.baseAddress!, count: $0.count)
            }
            if count < 0 {
                throw LayerError.io("cannot read", path, errno: Int32(-count))
            }
            if count == 0 { return result }
            result += chunk[0..<count]
            if result.count > limit {
                throw LayerError(.io, "\(path) is larger than \(limit) bytes; it is not a cache record, remove it")
            }
        }
    }

    /// Writes `bytes` to a temporary file next to `path` and renames it over `path`, so readers see all or nothing.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(LayerError) {
        let directory = parentDirectory(of: path)
        try makeDirectories(directory.isEmpty ? "." : directory)
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw LayerError.io("cannot create a temporary file for", path, errno: errno)
        }
        let temporary = String(cString: template.map { $0 })
        if let code = bytes.withUnsafeBytes({ POSIXIO.writeAll(fd, $0) }) {
            close(fd)
            unlink(temporary)
            throw LayerError.io("cannot write", temporary, errno: code)
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw LayerError.io("cannot rename \(temporary) to", path, errno: code)
        }
    }
}
