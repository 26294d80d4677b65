/// Read-only access to an image's root file system by absolute image path (`/usr/lib/x86_64-linux-gnu`), without
/// running anything in it. Paths are never resolved against the host: a symlink is resolved inside the image root
/// (``ImageFileSystem/resolve(_:)``), so an absolute link target stays in the image.
public protocol ImageFileSystem: Sendable {
    /// The entry at `path` itself (a symlink is not followed), or nil when nothing is there.
    func entry(at path: String) -> ImageFileEntry?
    /// The names in the directory at `path` (a symlink is not followed), sorted; nil when it is not a directory.
    func names(in directory: String) -> [String]?
    /// Up to `limit` bytes from the start of the regular file at `path` (not following a symlink); nil when it is
    /// not a regular file or cannot be read.
    func read(_ path: String, limit: Int) -> [UInt8]?
}

/// One entry of an ``ImageFileSystem``.
public struct ImageFileEntry: Sendable, Hashable {
    /// What the entry is.
    public enum Kind: Sendable, Hashable {
        case regular
        case directory
        /// A symlink and its target as stored.
        case symlink(String)
        case other
    }

    public var kind: Kind
    /// The permission bits (`0o755`).
    public var mode: UInt32
    /// The size in bytes of a regular file (0 otherwise).
    public var size: Int
    /// The owner's numeric ids.
    public var uid: UInt32
    public var gid: UInt32

    public init(kind: Kind, mode: UInt32, size: Int = 0, uid: UInt32 = 0, gid: UInt32 = 0) {
        self.kind = kind
        self.mode = mode
        self.size = size
        self.uid = uid
        self.gid = gid
    }
}

extension ImageFileSystem {
    /// `path` with every symlink on the way (the last component too) resolved inside the image, `.` and `..`
    /// removed, as the kernel would in a chroot at the image root; nil for a loop (more than 40 links) or a path
    /// through something that is not a directory. The result may not exist.
    public func resolve(_ path: String) -> String? {
        var pending = ImagePath.components(path)
        var done: [String] = []
        var links = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                _ = done.popLast()
                continue
            }
            let candidate = "/" + (done + [part]).joined(separator: "/")
            guard let entry = entry(at: candidate) else {
                done.append(part)
                continue
            }
            switch entry.kind {
            case .symlink(let target):
                links += 1
                if links > 40 { return nil }
                if target.hasPrefix("/") { done = [] }
                pending = ImagePath.components(target) + pending
            case .directory:
                done.append(part)
            default:
                if !pending.isEmpty { return nil }
                done.append(part)
            }
        }
        return "/" + done.joined(separator: "/")
    }

    /// The entry at `path` after resolving symlinks inside the image (``resolve(_:)``).
    public func entry(following path: String) -> ImageFileEntry? {
        resolve(path).flatMap { entry(at: $0) }
    }
}

/// Helpers for absolute image paths.
public enum ImagePath {
    /// The non-empty components of `path`.
    public static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// `/a/b` for `["a", "b"]`, `/` for none.
    public static func join(_ components: [String]) -> String {
        "/" + components.joined(separator: "/")
    }

    /// The canonical absolute form of `path`: one leading `/`, no empty, `.` or trailing components (`..` is kept).
    public static func normalize(_ path: String) -> String {
        join(components(path).filter { $0 != "." })
    }
}
