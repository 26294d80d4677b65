/// One entry of a layer: a directory, a regular file whose bytes come from disk, a symlink or a hardlink.
///
/// Entries carry only what a reproducible layer records. Timestamps are fixed by the writer. Without
/// ``attributes`` the owner is 0:0 and the mode is normalised: directories `0755`, files `0755` when any execute bit
/// was set and `0644` otherwise, symlinks `0777`. With ``attributes`` (a file system diff, where owners, setuid bits
/// and capabilities matter) the entry keeps its exact mode, owner and extended attributes.
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
    /// Exact mode, owner and extended attributes, or `nil` for the normalised metadata (owner 0:0, ``mode``).
    public var attributes: Attributes?

    /// Creates an entry, normalising `path` and, for hardlinks, the target.
    ///
    /// - Throws: ``LayerError`` when the path (or a hardlink target) is absolute, contains `..` or is empty, or when a
    ///   file size is negative.
    public init(
        path: String, kind: Kind, fingerprint: FileFingerprint? = nil, attributes: Attributes? = nil
    ) throws(LayerError) {
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
        self.attributes = attributes
    }

    /// Creates a directory entry.
    public static func directory(_ path: String) throws(LayerError) -> LayerEntry {
        try LayerEntry(path: path, kind: .directory)
    }

    /// An empty regular file with no host source (its content is read from `/dev/null`).
    public static func emptyFile(_ path: String, attributes: Attributes? = nil) throws(LayerError) -> LayerEntry {
        try LayerEntry(path: path, kind: .file(source: "/dev/null", size: 0, executable: false), attributes: attributes)
    }

    /// The OCI whiteout that deletes `deletedPath` from the layers below: an empty file `DIR/.wh.NAME`.
    ///
    /// For example `whiteout("usr/share/doc")` is the entry `usr/share/.wh.doc`.
    public static func whiteout(_ deletedPath: String) throws(LayerError) -> LayerEntry {
        let normalised = try LayerPath.normalise(deletedPath, what: "whiteout path")
        let parent = LayerPath.ancestors(of: normalised).last
        let name = normalised.split(separator: "/").last.map(String.init) ?? normalised
        return try emptyFile((parent.map { $0 + "/" } ?? "") + ".wh." + name)
    }

    /// The OCI opaque whiteout of `directory`: an empty file `DIR/.wh..wh..opq`, which hides everything the layers
    /// below have in that directory.
    public static func opaqueWhiteout(_ directory: String) throws(LayerError) -> LayerEntry {
        let normalised = try LayerPath.normalise(directory, what: "opaque directory")
        return try emptyFile(normalised + "/.wh..wh..opq")
    }

    /// The permission bits written into the tar header: the exact 12 bits of ``attributes`` when present, else
    /// the normalised mode.
    public var mode: UInt32 {
        if let attributes { return attributes.mode & 0o7777 }
        return normalisedMode
    }

    /// The normalised permission bits (directories `0755`, files `0755`/`0644`, symlinks `0777`).
    public var normalisedMode: UInt32 {
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
