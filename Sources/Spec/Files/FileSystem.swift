import Crypto
import Support

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin POSIX calls with Python's semantics (`os.stat`, `os.path.exists/isdir/isfile/islink`, `os.scandir`), on
/// byte paths. No Foundation `FileManager`: it sorts directory listings, and flytekit's digests depend on the raw
/// `readdir` order.
enum FileSystem {
    /// What `stat()` (following symlinks) says a path is.
    enum Kind: Equatable {
        case missing, regular, directory, socket, fifo, characterDevice, blockDevice, other
    }

    /// One directory entry from `readdir`, with what `d_type` tells for free.
    struct Entry {
        var name: [UInt8]
        var type: UInt8
    }

    /// Calls `body` with `path` as a C string. Callers first reject paths holding a NUL byte (`isValid`), which
    /// Python refuses with `ValueError: embedded null byte` and which `os.path.exists`/`isdir` report as false.
    static func withCPath<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    /// Whether `path` can name a file at all (no NUL byte).
    static func isValid(_ path: [UInt8]) -> Bool { !path.contains(0) }

    /// `stat()` following symlinks; `.missing` on any error (as `os.path.exists` is false on any `OSError` and on
    /// the `ValueError` of a path with a NUL byte).
    static func kind(_ path: [UInt8]) -> Kind {
        guard isValid(path) else { return .missing }
        var info = stat()
        let status = withCPath(path) { stat($0, &info) }
        guard status == 0 else { return .missing }
        return kind(mode: info.st_mode)
    }

    static func kind(mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFSOCK: return .socket
        case S_IFIFO: return .fifo
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        default: return .other
        }
    }

    /// `os.path.islink`: `lstat()` says symlink; false on error.
    static func isSymlink(_ path: [UInt8]) -> Bool {
        guard isValid(path) else { return false }
        var info = stat()
        let status = withCPath(path) { lstat($0, &info) }
        return status == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// `os.scandir(path)` names in `readdir` order, without `.` and `..`; `nil` if the directory cannot be opened
    /// (`os.walk` then silently skips it).
    static func list(_ path: [UInt8]) -> [Entry]? {
        guard isValid(path), let dir = withCPath(path, { opendir($0) }) else { return nil }
        defer { closedir(dir) }
        var entries: [Entry] = []
        while let entry = readdir(dir) {
            let name: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    Array(
                        UnsafeBufferPointer(
                            start: bytes,
                            count: strlen(
                                UnsafeRawPointer(bytes)
                                    .assumingMemoryBound(to: CChar.self))))
                }
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            entries.append(Entry(name: name, type: entry.pointee.d_type))
        }
        return entries
    }

    static let typeUnknown = UInt8(DT_UNKNOWN)
    static let typeDirectory = UInt8(DT_DIR)
    static let typeRegular = UInt8(DT_REG)
    static let typeSymlink = UInt8(DT_LNK)
    static let typeSocket = UInt8(DT_SOCK)

    /// Feeds the bytes of the file at `path` (following symlinks) into `hasher`, 256 KiB at a time.
    /// Throws `unreadable` with `shownPath` on any error.
    static func hashContents(
        of path: [UInt8], into hasher: inout Insecure.MD5, buffer: inout [UInt8],
        shownPath: @autoclosure () -> String
    ) throws(SpecError) {
        guard isValid(path) else {
            throw SpecError(
                .unreadableFile, path: shownPath(),
                message: "cannot read \(shownPath()): embedded null byte in the path")
        }
        let fd = withCPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw unreadable(shownPath(), errno) }
        defer { close(fd) }
        while true {
            let count = buffer.withUnsafeMutableBytes {
                POSIXIO.readRetrying(fd, into: $0.baseAddress!, count: $0.count)
            }
            if count < 0 {
                throw unreadable(shownPath(), Int32(-count))
            }
            if count == 0 { return }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    static func unreadable(_ path: String, _ code: Int32) -> SpecError {
        SpecError(
            .unreadableFile, path: path,
            message: "cannot read \(path): \(String(cString: strerror(code))); fix its permissions or remove it")
    }

    /// `path` made absolute against `workingDirectory` as bytes (`""` stays empty: it names nothing).
    static func resolve(_ path: PyStr, workingDirectory: [UInt8]) -> [UInt8] {
        let bytes = PyPath.fsencode(path)
        if bytes.isEmpty || bytes.first == 0x2F { return bytes }
        if workingDirectory.last == 0x2F { return workingDirectory + bytes }
        return workingDirectory + [0x2F] + bytes
    }

    /// The working directory as absolute bytes: `workingDirectory` if absolute, else joined to the process's.
    static func absoluteWorkingDirectory(_ workingDirectory: String) -> [UInt8] {
        let bytes = Array(workingDirectory.utf8)
        if bytes.first == 0x2F { return bytes }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return bytes }
        let cwd = buffer.withUnsafeBufferPointer { Array(String(cString: $0.baseAddress!).utf8) }
        return bytes.isEmpty ? cwd : cwd + [0x2F] + bytes
    }
}
