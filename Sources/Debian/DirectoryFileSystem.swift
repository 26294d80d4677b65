import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An ``ImageFileSystem`` over one host directory that holds a whole root file system (e.g. `umoci unpack`'s
/// `rootfs`). Host symlinks are never followed: every lookup uses `lstat` on `root + path`, and callers resolve
/// image symlinks with ``ImageFileSystem/resolve(_:)``.
public struct DirectoryFileSystem: ImageFileSystem {
    /// The host directory that is the image's `/`.
    public let root: String

    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    func hostPath(_ path: String) -> String {
        root + ImagePath.normalize(path)
    }

    public func entry(at path: String) -> ImageFileEntry? {
        Self.lstatEntry(hostPath(path))
    }

    public func names(in directory: String) -> [String]? {
        Self.directoryNames(hostPath(directory))
    }

    public func read(_ path: String, limit: Int) -> [UInt8]? {
        Self.readPrefix(hostPath(path), limit: limit)
    }

    /// The entry for a host path, not following a symlink.
    static func lstatEntry(_ host: String) -> ImageFileEntry? {
        var status = stat()
        guard lstat(host, &status) == 0 else { return nil }
        let mode = UInt32(status.st_mode) & 0o7777
        let (uid, gid) = (UInt32(status.st_uid), UInt32(status.st_gid))
        switch status.st_mode & S_IFMT {
        case S_IFREG: return ImageFileEntry(kind: .regular, mode: mode, size: Int(status.st_size), uid: uid, gid: gid)
        case S_IFDIR: return ImageFileEntry(kind: .directory, mode: mode, uid: uid, gid: gid)
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(host, &buffer, buffer.count - 1)
            guard count >= 0 else { return nil }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return ImageFileEntry(kind: .symlink(target), mode: mode, uid: uid, gid: gid)
        default: return ImageFileEntry(kind: .other, mode: mode, uid: uid, gid: gid)
        }
    }

    /// The sorted names in a host directory (not following a symlink), without `.` and `..`.
    static func directoryNames(_ host: String) -> [String]? {
        guard case .directory = lstatEntry(host)?.kind, let directory = opendir(host) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let item = readdir(directory) {
            let name = withUnsafePointer(to: item.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Up to `limit` bytes of a regular host file, opened with `O_NOFOLLOW`.
    static func readPrefix(_ host: String, limit: Int) -> [UInt8]? {
        guard case .regular = lstatEntry(host)?.kind else { return nil }
        let descriptor = open(host, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: max(0, limit))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            filled += count
        }
        return Array(bytes.prefix(filled))
    }
}
