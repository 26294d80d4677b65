/// The complete, ordered entry list of one layer.
///
/// Entries are sorted by path in UTF-8 byte order, every parent directory appears explicitly before its children,
/// each path appears once, and every hardlink points at a regular file listed before it. That is exactly what
/// ``TarWriter`` needs, so the same inputs always produce the same tar.
public struct LayerSource: Sendable, Hashable {
    /// What to do with sockets, fifos and devices, which a layer cannot carry.
    public enum SpecialFiles: Sendable, Hashable {
        /// Stop with an error naming the file (default).
        case fail
        /// Leave them out and list their host paths in ``LayerSource/skipped``.
        case skip
    }

    /// How regular files that share an inode within the tree are stored.
    public enum Hardlinks: Sendable, Hashable {
        /// Store every path as a full file (default): the layer depends only on names and contents, not on how the
        /// tree happened to be linked on disk.
        case copyContent
        /// Store the first path (in layer order) as a file and the others as hardlinks to it.
        case preserve
    }

    /// How a directory tree is read.
    public struct WalkOptions: Sendable, Hashable {
        /// What to do with sockets, fifos and devices.
        public var specialFiles: SpecialFiles
        /// How hardlinked files are stored.
        public var hardlinks: Hardlinks

        /// Creates walk options.
        public init(specialFiles: SpecialFiles = .fail, hardlinks: Hardlinks = .copyContent) {
            self.specialFiles = specialFiles
            self.hardlinks = hardlinks
        }
    }

    /// The entries, in layer order.
    public let entries: [LayerEntry]
    /// Host paths of special files left out under ``SpecialFiles/skip``, sorted.
    public let skipped: [String]

    /// Orders `entries`, adds missing parent directories (mode 0755) and checks the list.
    ///
    /// The same directory may be listed more than once; any other repeated path is an error.
    ///
    /// - Throws: ``LayerError`` for a repeated path, an entry below a non-directory, or a hardlink whose target is not
    ///   a regular file of the list that sorts before it.
    public init(entries: [LayerEntry], skipped: [String] = []) throws(LayerError) {
        var byPath: [String: LayerEntry] = [:]
        byPath.reserveCapacity(entries.count)
        for entry in entries {
            if let existing = byPath[entry.path] {
                if existing.isDirectory && entry.isDirectory { continue }
                throw LayerError(
                    .conflict,
                    "layer path \"\(entry.path)\" is listed twice (\(existing.kindName) and \(entry.kindName)); "
                        + "keep one of them")
            }
            byPath[entry.path] = entry
        }
        for entry in entries {
            for ancestor in LayerPath.ancestors(of: entry.path) {
                if let existing = byPath[ancestor] {
                    if !existing.isDirectory {
                        throw LayerError(
                            .conflict,
                            "layer path \"\(entry.path)\" lies below \"\(ancestor)\", which is a \(existing.kindName); "
                                + "a path cannot be both")
                    }
                } else {
                    byPath[ancestor] = try LayerEntry.directory(ancestor)
                }
            }
        }
        let sorted = byPath.values.sorted { LayerPath.precedes($0.path, $1.path) }
        var files: Set<String> = []
        for entry in sorted {
            switch entry.kind {
            case .file: files.insert(entry.path)
            case .hardlink(let target) where !files.contains(target):
                throw LayerError(
                    .invalidLink,
                    "hardlink \"\(entry.path)\" points at \"\(target)\", which is not a regular file sorting before it "
                        + "in the layer; link to a file of the same layer")
            default: break
            }
        }
        self.entries = sorted
        self.skipped = skipped.sorted()
    }

    /// The tree under the host directory `directory`, placed at `prefix` inside the layer (`""` for the layer root).
    ///
    /// The directory itself is followed if it is a symlink; symlinks inside it are stored as symlinks. When `prefix`
    /// is not empty it becomes a directory entry, with its parents.
    ///
    /// - Throws: ``LayerError`` when the directory cannot be read, a name is not UTF-8, or a special file is found
    ///   under ``SpecialFiles/fail``.
    public init(directory: String, at prefix: String = "", options: WalkOptions = WalkOptions()) throws(LayerError) {
        let layerPrefix = prefix.isEmpty ? "" : try LayerPath.normalise(prefix, what: "layer prefix")
        guard let status = try FileSystem.status(directory, follow: true) else {
            throw LayerError(.io, "layer source directory \(directory) does not exist; check the path")
        }
        guard status.type == .directory else {
            throw LayerError(.io, "layer source \(directory) is a \(status.typeName), not a directory")
        }
        var walker = TreeWalker(options: options)
        if !layerPrefix.isEmpty {
            walker.entries.append(try LayerEntry.directory(layerPrefix))
        }
        try walker.walkChildren(of: directory, at: layerPrefix)
        try self.init(walked: walker)
    }

    /// Host files and directories placed at chosen paths, as `copy` files that land under `root/`.
    ///
    /// A directory item brings its whole tree. Sources given here are followed if they are symlinks.
    ///
    /// - Throws: ``LayerError`` for a missing source, a conflicting destination, or the cases of
    ///   ``init(directory:at:options:)``.
    public init(items: [LayerSourceItem], options: WalkOptions = WalkOptions()) throws(LayerError) {
        var walker = TreeWalker(options: options)
        for item in items {
            let destination = try LayerPath.normalise(item.destination, what: "destination of \(item.source)")
            guard let status = try FileSystem.status(item.source, follow: true) else {
                throw LayerError(.io, "layer source \(item.source) does not exist; check the path")
            }
            try walker.add(path: item.source, status: status, at: destination)
        }
        try self.init(walked: walker)
    }

    private init(walked walker: TreeWalker) throws(LayerError) {
        var entries = walker.entries
        if walker.options.hardlinks == .preserve {
            entries = try TreeWalker.linkSharedInodes(entries, identities: walker.inodes)
        }
        try self.init(entries: entries, skipped: walker.skipped)
    }

    /// Total size of the regular-file content, in bytes.
    public var contentSize: Int64 {
        entries.reduce(0) { total, entry in
            if case .file(_, let size, _) = entry.kind { return total + size }
            return total
        }
    }
}

extension LayerEntry {
    /// A short name of the kind for messages.
    var kindName: String {
        switch kind {
        case .directory: "directory"
        case .file: "file"
        case .symlink: "symlink"
        case .hardlink: "hardlink"
        }
    }
}
