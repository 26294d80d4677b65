/// One entry of a layer: a directory, a regular file whose bytes come from disk, a symlink or a hardlink.
///
/// Entries carry only what a reproducible layer records. Owner, group and timestamps are fixed by the writer, and the
/// mode is normalised: directories `0755`, files `0755` when any execute bit was set and `0644` otherwise, symlinks
/// `0777`.
public struct LayerEntry: Sendable, Hashable {
    /// What the entry is.
    public enum Kind: Sendable, Hashable {
        /// A directory.
        case directory
        /// A regular file of `size` bytes read from `source` (an absolute or working-directory-relative host path).
        case file(source: String, size: Int64, executable: Bool)
        /// A symbolic link. The target is stored verbatim and may point anywhere, as is normal in images.
        case symlink(target: String)
        /// A hardlink to another regular file of the same layer (a normalised layer path written before this entry).
        case hardlink(target: String)
    }

    /// The normalised path inside the layer (relative, no trailing slash).
    public let path: String
    /// What the entry is.
    public let kind: Kind
    /// The state of the source file when it was listed, used by ``LayerCache`` to skip re-hashing unchanged files.
    public let fingerprint: FileFingerprint?

    /// Creates an entry, normalising `path` and, for hardlinks, the target.
    ///
    /// - Throws: ``LayerError`` when the path (or a hardlink target) is absolute, contains `..` or is empty, or when a
    ///   file size is negative.
    public init(path: String, kind: Kind, fingerprint: FileFingerprint? = nil) throws(LayerError) {
        let normalised = try LayerPath.normalise(path, what: "entry path")
        switch kind {
        case .hardlink(let target):
            let inside: String
            do {
                inside = try LayerPath.normalise(target, what: "hardlink target")
            } catch {
                throw LayerError(
                    .invalidLink,
                    "hardlink \"\(normalised)\" points at \"\(target)\", outside the layer; "
                        + "hardlink targets must be files of the same layer")
            }
            self.kind = .hardlink(target: inside)
        case .file(let source, let size, _):
            if size < 0 {
                throw LayerError(.invalidOption, "file \"\(source)\" has a negative size \(size)")
            }
            self.kind = kind
        case .symlink(let target):
            if target.isEmpty || target.utf8.contains(0) {
                throw LayerError(
                    .invalidLink, "symlink \"\(normalised)\" has an empty or NUL-containing target; fix the link")
            }
            self.kind = kind
        case .directory:
            self.kind = kind
        }
        self.path = normalised
        self.fingerprint = fingerprint
    }

    /// Creates a directory entry.
    public static func directory(_ path: String) throws(LayerError) -> LayerEntry {
        try LayerEntry(path: path, kind: .directory)
    }

    /// The normalised permission bits written into the tar header.
    public var mode: UInt32 {
        switch kind {
        case .directory: 0o755
        case .file(_, _, let executable): executable ? 0o755 : 0o644
        case .symlink: 0o777
        case .hardlink: 0o644
        }
    }

    /// Whether the entry is a directory.
    public var isDirectory: Bool {
        if case .directory = kind { return true }
        return false
    }
}
