/// Python's `os.walk(top, topdown=True, followlinks=False)` over byte paths: directories in pre-order, each with its
/// entries in raw `readdir` order; symlinks to directories are reported as directories but never descended into;
/// unreadable directories are skipped (os.walk's `onerror=None`), and told to `unreadable`.
enum DirectoryWalker {
    /// A non-directory entry (`os.walk`'s `filenames`).
    struct File {
        /// The entry name.
        var name: [UInt8]
        /// The full path to open.
        var path: [UInt8]
        /// What `stat()` (following symlinks) says; `.missing` for a dangling symlink.
        var kind: FileSystem.Kind
    }

    /// One directory as `os.walk` yields it.
    struct Directory {
        /// Path components from the walk's top to this directory (empty for the top).
        var components: [[UInt8]]
        /// The non-directory entries in `readdir` order.
        var files: [File]
        /// The sub-directory names in `readdir` order (symlinked ones included, as `os.walk` lists them).
        var directories: [[UInt8]]
    }

    /// Walks `top`. `prune` returns false for a sub-directory name that must not be listed or descended into
    /// (flytekit drops `.git`). `visit` sees each directory before its sub-directories; `unreadable` gets the
    /// components of each directory that could not be listed.
    static func walk(
        _ top: [UInt8], prune: ([UInt8]) -> Bool = { _ in true },
        unreadable: ([[UInt8]]) -> Void = { _ in },
        visit: (Directory) throws(SpecError) -> Void
    ) throws(SpecError) {
        try walk(top, components: [], prune: prune, unreadable: unreadable, visit: visit)
    }

    private static func walk(
        _ path: [UInt8], components: [[UInt8]], prune: ([UInt8]) -> Bool, unreadable: ([[UInt8]]) -> Void,
        visit: (Directory) throws(SpecError) -> Void
    ) throws(SpecError) {
        guard let entries = FileSystem.list(path) else {
            unreadable(components)
            return
        }
        var directory = Directory(components: components, files: [], directories: [])
        var descend: [[UInt8]] = []
        let prefix = path.last == 0x2F ? path : path + [0x2F]
        for entry in entries {
            let full = prefix + entry.name
            switch entry.type {
            case FileSystem.typeDirectory:
                if prune(entry.name) {
                    directory.directories.append(entry.name)
                    descend.append(entry.name)
                }
            case FileSystem.typeRegular:
                directory.files.append(File(name: entry.name, path: full, kind: .regular))
            case FileSystem.typeSocket:
                directory.files.append(File(name: entry.name, path: full, kind: .socket))
            case FileSystem.typeSymlink, FileSystem.typeUnknown:
                let kind = FileSystem.kind(full)
                if kind == .directory {
                    guard prune(entry.name) else { continue }
                    directory.directories.append(entry.name)
                    if entry.type == FileSystem.typeUnknown && !FileSystem.isSymlink(full) {
                        descend.append(entry.name)
                    }
                } else {
                    directory.files.append(File(name: entry.name, path: full, kind: kind))
                }
            default:
                directory.files.append(File(name: entry.name, path: full, kind: FileSystem.kind(full)))
            }
        }
        try visit(directory)
        for name in descend {
            try walk(
                prefix + name, components: components + [name], prune: prune, unreadable: unreadable, visit: visit)
        }
    }

    /// Refuses what flytekit would block on or read forever (FIFOs, devices).
    static func checkReadable(_ kind: FileSystem.Kind, shownPath: String) throws(SpecError) {
        switch kind {
        case .fifo, .characterDevice, .blockDevice, .other:
            throw SpecError(
                .specialFile, path: shownPath,
                message: "\(shownPath) is a FIFO or device file; flytekit would block reading it — "
                    + "remove it or ignore it in .dockerignore")
        default:
            return
        }
    }
}
