import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Thin system-call helpers for the run engine (lstat, xattrs, pipes, whole-file reads).
///
/// Swift's Glibc module does not export `<sys/xattr.h>` or `pipe2` (they need `_GNU_SOURCE`), so those few
/// functions are looked up in the C library with `dlsym`.
enum Posix {
    private typealias ListXattr = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int) -> Int
    private typealias GetXattr =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int
        ) -> Int
    private typealias SetXattr =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32
        ) -> Int32
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32

    /// The C library function `name` as a function of type `T`.
    private static func libc<T>(_ name: String, as type: T.Type) -> T {
        guard let symbol = dlsym(nil, name) else { fatalError("the C library has no \(name)") }
        return unsafeBitCast(symbol, to: type)
    }

    private static func llistxattr(_ path: String, _ list: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int {
        libc("llistxattr", as: ListXattr.self)(path, list, size)
    }

    private static func lgetxattr(
        _ path: String, _ name: String, _ value: UnsafeMutableRawPointer?, _ size: Int
    ) -> Int {
        libc("lgetxattr", as: GetXattr.self)(path, name, value, size)
    }

    private static func lsetxattr(
        _ path: String, _ name: String, _ value: UnsafeRawPointer?, _ size: Int, _ flags: Int32
    ) -> Int32 {
        libc("lsetxattr", as: SetXattr.self)(path, name, value, size, flags)
    }

    private static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        libc("pipe2", as: Pipe2.self)(fds, flags)
    }

    /// What `lstat` says about a path.
    struct Status {
        let mode: UInt32
        let uid: UInt32
        let gid: UInt32
        let size: Int64
        let linkCount: UInt64
        let device: UInt64
        let inode: UInt64
        let rawDevice: UInt64
        let modified: Int64
        let changed: Int64

        var fileType: UInt32 { mode & 0o170000 }
        var isDirectory: Bool { fileType == 0o040000 }
        var isRegular: Bool { fileType == 0o100000 }
        var isSymlink: Bool { fileType == 0o120000 }
        var isCharacterDevice: Bool { fileType == 0o020000 }
        /// An overlayfs whiteout: a character device 0:0.
        var isWhiteout: Bool { isCharacterDevice && rawDevice == 0 }
        var permissions: UInt32 { mode & 0o7777 }
    }

    /// The text of `errno` value `code`.
    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// `lstat(path)`, or `nil` when it does not exist.
    static func status(_ path: String) throws(RunError) -> Status? {
        var raw = stat()
        if lstat(path, &raw) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw RunError(.io, "cannot stat \(path): \(errorText(code))")
        }
        return Status(
            mode: UInt32(raw.st_mode), uid: UInt32(raw.st_uid), gid: UInt32(raw.st_gid), size: Int64(raw.st_size),
            linkCount: UInt64(raw.st_nlink), device: UInt64(raw.st_dev), inode: UInt64(raw.st_ino),
            rawDevice: UInt64(raw.st_rdev),
            modified: Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec),
            changed: Int64(raw.st_ctim.tv_sec) * 1_000_000_000 + Int64(raw.st_ctim.tv_nsec))
    }

    /// The names in a directory, sorted by UTF-8 bytes, without `.` and `..`.
    static func list(_ directory: String) throws(RunError) -> [String] {
        guard let handle = opendir(directory) else {
            throw RunError(.io, "cannot read directory \(directory): \(errorText(errno))")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The target of a symlink.
    static func readLink(_ path: String) throws(RunError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        if count < 0 {
            throw RunError(.io, "cannot read symlink \(path): \(errorText(errno))")
        }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// All extended attributes of `path` (not following a symlink), name → value.
    static func xattrs(_ path: String) throws(RunError) -> [String: [UInt8]] {
        let size = llistxattr(path, nil, 0)
        if size < 0 {
            if errno == ENOTSUP { return [:] }
            throw RunError(.io, "cannot list extended attributes of \(path): \(errorText(errno))")
        }
        if size == 0 { return [:] }
        var names = [CChar](repeating: 0, count: size)
        let got = llistxattr(path, &names, size)
        if got < 0 {
            throw RunError(.io, "cannot list extended attributes of \(path): \(errorText(errno))")
        }
        var result: [String: [UInt8]] = [:]
        for raw in names[0..<got].split(separator: 0) {
            let name = String(decoding: raw.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let value = try xattr(path, name) { result[name] = value }
        }
        return result
    }

    /// One extended attribute of `path` (not following a symlink), or `nil` when it is not set.
    static func xattr(_ path: String, _ name: String) throws(RunError) -> [UInt8]? {
        let size = lgetxattr(path, name, nil, 0)
        if size < 0 {
            if errno == ENODATA || errno == ENOTSUP { return nil }
            throw RunError(.io, "cannot read extended attribute \(name) of \(path): \(errorText(errno))")
        }
        var value = [UInt8](repeating: 0, count: size)
        let got = value.withUnsafeMutableBytes { lgetxattr(path, name, $0.baseAddress, size) }
        if got < 0 {
            throw RunError(.io, "cannot read extended attribute \(name) of \(path): \(errorText(errno))")
        }
        return Array(value[0..<got])
    }

    /// Sets an extended attribute on `path`.
    static func setXattr(_ path: String, _ name: String, _ value: [UInt8]) throws(RunError) {
        let result = value.withUnsafeBytes { lsetxattr(path, name, $0.baseAddress, value.count, 0) }
        if result != 0 {
            throw RunError(.io, "cannot set extended attribute \(name) on \(path): \(errorText(errno))")
        }
    }

    /// A pipe whose both ends are close-on-exec.
    static func pipe() throws(RunError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        if fds.withUnsafeMutableBufferPointer({ pipe2($0.baseAddress!, O_CLOEXEC) }) != 0 {
            throw RunError(.io, "cannot create a pipe: \(errorText(errno))")
        }
        return (fds[0], fds[1])
    }

    /// Creates `path` and its parents.
    static func makeDirectories(_ path: String) throws(RunError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RunError(.io, "cannot create directory \(path): \(error.localizedDescription)")
        }
    }

    /// Removes `path` and everything below it; a missing path is fine.
    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The whole content of a small file as text, or `nil` when it cannot be read.
    static func readText(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The first executable `name` in the usual system directories, or `nil`.
    static func findTool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories =
            path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for directory in directories where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
