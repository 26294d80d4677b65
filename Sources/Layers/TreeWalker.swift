/// Collects layer entries from host paths with `lstat`, without following symlinks below the starting points.
struct TreeWalker {
    /// A file's identity on disk, to find hardlinks.
    struct Inode: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    let options: LayerSource.WalkOptions
    var entries: [LayerEntry] = []
    var skipped: [String] = []
    /// Layer path → inode of regular files with more than one link.
    var inodes: [String: Inode] = [:]

    init(options: LayerSource.WalkOptions) {
        self.options = options
    }

    /// Adds `path` (already stat'ed) at `layerPath`, recursing into directories.
    mutating func add(path: String, status: FileSystem.Status, at layerPath: String) throws(LayerError) {
        switch status.type {
        case .directory:
            entries.append(try LayerEntry.directory(layerPath))
            try walkChildren(of: path, at: layerPath)
        case .regular:
            let executable = status.permissions & 0o111 != 0
            entries.append(
                try LayerEntry(
                    path: layerPath, kind: .file(source: path, size: status.size, executable: executable),
                    fingerprint: status.fingerprint))
            if status.linkCount > 1 {
                inodes[layerPath] = Inode(device: status.fingerprint.device, inode: status.fingerprint.inode)
            }
        case .symlink:
            entries.append(try LayerEntry(path: layerPath, kind: .symlink(target: try FileSystem.readLink(path))))
        case .fifo, .socket, .characterDevice, .blockDevice, .unknown:
            switch options.specialFiles {
            case .skip:
                skipped.append(path)
            case .fail:
                throw LayerError(
                    .unsupportedFileType,
                    "\(path) is a \(status.typeName), which a layer cannot hold; remove it or skip special files")
            }
        }
    }

    /// Adds every child of the host directory `directory` below `layerPath`.
    mutating func walkChildren(of directory: String, at layerPath: String) throws(LayerError) {
        for name in try FileSystem.listDirectory(directory) {
            let child = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard let status = try FileSystem.status(child) else { continue }  // removed while walking
            try add(path: child, status: status, at: LayerPath.join(layerPath, name))
        }
    }

    /// Turns later paths of the same inode (in layer order) into hardlinks to the first one.
    static func linkSharedInodes(_ entries: [LayerEntry], identities: [String: Inode]) throws(LayerError)
        -> [LayerEntry]
    {
        let ordered = entries.sorted { LayerPath.precedes($0.path, $1.path) }
        var first: [Inode: String] = [:]
        var result: [LayerEntry] = []
        result.reserveCapacity(ordered.count)
        for entry in ordered {
            if let identity = identities[entry.path] {
                if let target = first[identity] {
                    result.append(try LayerEntry(path: entry.path, kind: .hardlink(target: target)))
                    continue
                }
                first[identity] = entry.path
            }
            result.append(entry)
        }
        return result
    }
}
