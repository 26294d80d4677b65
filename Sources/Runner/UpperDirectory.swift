import Layers

/// Turns an overlayfs upper directory into layer entries with exact metadata.
///
/// The walk uses `lstat` and never follows symlinks:
/// - a character device 0:0 (overlay's whiteout) becomes the OCI whiteout `DIR/.wh.NAME`;
/// - a directory marked opaque (`trusted.overlay.opaque` or, with `userxattr`, `user.overlay.opaque` = `y`/`x`)
///   gets `DIR/.wh..wh..opq`, but only when some lower directory has that path as a directory: overlay also marks
///   directories that are new in this run, where the marker would be redundant;
/// - regular files, directories and symlinks keep their mode (all 12 bits), owner and extended attributes, except
///   the overlay's own (`trusted.overlay.*`, `user.overlay.*`) and `security.selinux`;
/// - regular files linked more than once within the upper directory stay hardlinks of the first path;
/// - fifos, sockets and other devices are left out and listed in ``LayerSource/skipped``.
///
/// Excluded subtrees, mount targets the run had to create (unless something else survives below them),
/// directories that were only copied up as parents (same metadata as below, nothing kept inside) and
/// `__pycache__` directories that are new in this run are dropped.
struct UpperDirectory {
    /// The upper directory on the host.
    let path: String
    /// The lower directories, bottom first.
    let lowerDirectories: [String]
    /// Normalised layer paths whose subtree is dropped.
    let excluded: Set<String>
    /// Layer paths created only to mount something on.
    let created: Set<String>

    private struct Inode: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// The entries (as a ``LayerSource``) and whether anything changed.
    func layer() throws(RunError) -> (source: LayerSource, changed: Bool) {
        var entries: [LayerEntry] = []
        var skipped: [String] = []
        var inodes: [String: Inode] = [:]
        var redundant: Set<String> = []
        try walk(
            directory: path, layerPath: "", entries: &entries, skipped: &skipped, inodes: &inodes,
            redundant: &redundant)

        // Directories only copied up as parents (identical to the lower one) and mount targets the run created are
        // dropped unless something kept lies below them; created files (bind targets) are always dropped.
        entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var needed: Set<String> = []
        var survivors: [LayerEntry] = []
        for entry in entries.reversed() {
            let optional = created.contains(entry.path) || redundant.contains(entry.path)
            if optional && (!entry.isDirectory || !needed.contains(entry.path)) { continue }
            survivors.append(entry)
            for ancestor in LayerPath.ancestors(of: entry.path) { needed.insert(ancestor) }
        }
        entries = survivors.reversed()

        // Hardlinks: the first path of an inode (in layer order) is the file, the others link to it.
        var first: [Inode: String] = [:]
        var linked: [LayerEntry] = []
        linked.reserveCapacity(entries.count)
        for entry in entries {
            if let inode = inodes[entry.path] {
                if let target = first[inode] {
                    linked.append(try make(entry.path, .hardlink(target: target)))
                    continue
                }
                first[inode] = entry.path
            }
            linked.append(entry)
        }
        do {
            return (try LayerSource(entries: linked, skipped: skipped), !linked.isEmpty)
        } catch {
            throw RunError(.io, "the changes of the run do not form a layer: \(error.message)")
        }
    }

    private func walk(
        directory: String, layerPath: String, entries: inout [LayerEntry], skipped: inout [String],
        inodes: inout [String: Inode], redundant: inout Set<String>
    ) throws(RunError) {
        for name in try Posix.list(directory) {
            let host = directory + "/" + name
            let child = layerPath.isEmpty ? name : layerPath + "/" + name
            if isExcluded(child) { continue }
            guard let status = try Posix.status(host) else { continue }
            if status.isWhiteout {
                entries.append(try whiteout(child))
                continue
            }
            if status.isDirectory {
                if name == "__pycache__" && !lowerHasDirectory(child) { continue }
                let own = try attributes(host, status)
                entries.append(try make(child, .directory, attributes: own))
                if try isOpaque(host) {
                    if lowerHasDirectory(child) { entries.append(try opaque(child)) }
                } else if try lowerAttributes(child) == own {
                    redundant.insert(child)
                }
                try walk(
                    directory: host, layerPath: child, entries: &entries, skipped: &skipped, inodes: &inodes,
                    redundant: &redundant)
            } else if status.isRegular {
                let kind = LayerEntry.Kind.file(source: host, size: status.size, executable: status.mode & 0o111 != 0)
                let fingerprint = FileFingerprint(
                    device: status.device, inode: status.inode, size: status.size, modified: status.modified,
                    changed: status.changed)
                entries.append(
                    try make(child, kind, fingerprint: fingerprint, attributes: try attributes(host, status)))
                if status.linkCount > 1 {
                    inodes[child] = Inode(device: status.device, inode: status.inode)
                }
            } else if status.isSymlink {
                entries.append(
                    try make(
                        child, .symlink(target: try Posix.readLink(host)), attributes: try attributes(host, status))
                )
            } else {
                skipped.append(host)
            }
        }
    }

    /// Whether `layerPath` is excluded or lies below an excluded path.
    private func isExcluded(_ layerPath: String) -> Bool {
        if excluded.contains(layerPath) { return true }
        var path = Substring(layerPath)
        while let slash = path.lastIndex(of: "/") {
            path = path[..<slash]
            if excluded.contains(String(path)) { return true }
        }
        return false
    }

    /// Whether some lower directory has `layerPath` as a directory.
    private func lowerHasDirectory(_ layerPath: String) -> Bool {
        lowerDirectories.contains { lower in
            (try? Posix.status(lower + "/" + layerPath))??.isDirectory ?? false
        }
    }

    /// The attributes of `layerPath` in the topmost lower directory that has it as a directory.
    private func lowerAttributes(_ layerPath: String) throws(RunError) -> LayerEntry.Attributes? {
        for lower in lowerDirectories.reversed() {
            let host = lower + "/" + layerPath
            guard let status = try Posix.status(host) else { continue }
            return status.isDirectory ? try attributes(host, status) : nil
        }
        return nil
    }

    private func isOpaque(_ host: String) throws(RunError) -> Bool {
        for name in ["trusted.overlay.opaque", "user.overlay.opaque"] {
            if let value = try Posix.xattr(host, name), value == [UInt8(ascii: "y")] || value == [UInt8(ascii: "x")] {
                return true
            }
        }
        return false
    }

    private func attributes(_ host: String, _ status: Posix.Status) throws(RunError) -> LayerEntry.Attributes {
        let xattrs = try Posix.xattrs(host).filter { name, _ in
            !name.hasPrefix("trusted.overlay.") && !name.hasPrefix("user.overlay.") && name != "security.selinux"
        }
        return LayerEntry.Attributes(mode: status.permissions, uid: status.uid, gid: status.gid, xattrs: xattrs)
    }

    private func make(
        _ path: String, _ kind: LayerEntry.Kind, fingerprint: FileFingerprint? = nil,
        attributes: LayerEntry.Attributes? = nil
    ) throws(RunError) -> LayerEntry {
        do {
            return try LayerEntry(path: path, kind: kind, fingerprint: fingerprint, attributes: attributes)
        } catch {
            throw RunError(.io, "cannot put \(path) into the layer: \(error.message)")
        }
    }

    private func whiteout(_ path: String) throws(RunError) -> LayerEntry {
        do { return try LayerEntry.whiteout(path) } catch {
            throw RunError(.io, "cannot put the whiteout of \(path) into the layer: \(error.message)")
        }
    }

    private func opaque(_ path: String) throws(RunError) -> LayerEntry {
        do { return try LayerEntry.opaqueWhiteout(path) } catch {
            throw RunError(.io, "cannot put the opaque marker of \(path) into the layer: \(error.message)")
        }
    }
}
