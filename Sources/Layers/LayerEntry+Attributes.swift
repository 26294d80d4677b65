extension LayerEntry {
    /// The exact metadata of an entry taken from a file system diff: permission bits, owner and extended
    /// attributes.
    ///
    /// Attributes are part of the entry's identity: the layer cache key includes them, so two layers that differ
    /// only in an owner or a capability are different layers.
    public struct Attributes: Sendable, Hashable {
        /// The 12 permission bits, including setuid (`0o4000`), setgid (`0o2000`) and sticky (`0o1000`).
        public var mode: UInt32
        /// The numeric owner.
        public var uid: UInt32
        /// The numeric group.
        public var gid: UInt32
        /// Extended attributes (name → binary value), written as PAX `SCHILY.xattr.<name>` records in name order.
        public var xattrs: [String: [UInt8]]

        /// Creates attributes; only the low 12 bits of `mode` are kept.
        public init(mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, xattrs: [String: [UInt8]] = [:]) {
            self.mode = mode & 0o7777
            self.uid = uid
            self.gid = gid
            self.xattrs = xattrs
        }

        /// The extended attributes sorted by name (UTF-8 byte order), as they are written and hashed.
        public var sortedXattrs: [(name: String, value: [UInt8])] {
            xattrs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
        }
    }
}
