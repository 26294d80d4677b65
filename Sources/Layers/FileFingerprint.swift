/// The identity and state of a source file as `stat(2)` reports it.
///
/// Two equal fingerprints mean, for practical purposes, the same unchanged file: any write changes `mtime` and
/// `ctime`, and replacing the file changes the inode. ``LayerCache`` uses fingerprints only to skip re-hashing; the
/// content digests stay the identity of a layer.
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

    /// Creates a fingerprint from its parts.
    public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }
}
