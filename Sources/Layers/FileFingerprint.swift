/// The identity and state of a source file as `stat(2)`/`statx(2)` report it.
///
/// ``LayerCache`` uses fingerprints only to skip re-hashing; the content digests stay the identity of a layer. What
/// stands for the content (``contentKey``) is the file's identity — device, inode and **birth time** — plus its size
/// and modification time in nanoseconds:
/// - any write through the file changes `mtime`; replacing the file (write a new one, rename it over) changes the
///   inode; an inode number the file system reuses for a new file comes with a new birth time;
/// - the status-change time (`ctime`) is left out on purpose when the birth time is known: it also moves when
///   nothing but the link count changes, and `uv` installs by hard-linking every file from its cache, so each install
///   (and each removal of an old staging tree) would make every unchanged package look new and be re-hashed;
/// - what this cannot see is a same-size in-place write followed by setting `mtime` back to the same nanosecond
///   (`utimensat`), which only a deliberate act does; without a birth time (older kernels, some file systems) the
///   `ctime` is used instead, which catches that too, at the price of fewer hits for hard-linked files.
public struct FileFingerprint: Sendable, Hashable, Codable {
    /// The device the file lives on.
    public let device: UInt64
    /// The inode number.
    public let inode: UInt64
    /// The size in bytes.
    public let size: Int64
    /// Modification time in nanoseconds since the epoch.
    public let modified: Int64
    /// Status-change time in nanoseconds since the epoch.
    public let changed: Int64
    /// Birth (creation) time in nanoseconds since the epoch, when the file system reports one.
    public let born: Int64?

    /// Creates a fingerprint from its parts.
    public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64, born: Int64? = nil) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
        self.born = born
    }

    /// The parts that stand for the file's content (see the type's documentation): equal keys mean the same,
    /// unchanged file.
    public var contentKey: String {
        let identity = born.map { "b\($0)" } ?? "c\(changed)"
        return "\(device):\(inode):\(identity):\(size):\(modified)"
    }
}
