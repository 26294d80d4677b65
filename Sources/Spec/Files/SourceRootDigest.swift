import Crypto
import Foundation

/// flytekit's digest of `ImageSpec.source_root`: `flytekit.tools.script_mode.ls_files(source_root, mode,
/// deref_symlinks=False, ignore_group=IgnoreGroup(source_root, [GitIgnore, DockerIgnore, StandardIgnore]))[1]`.
///
/// The selected files are sorted by full path (code point order, so `a-b.txt` < `a.txt` < `a/z.txt`) and one md5
/// is taken over, for each file, its bytes followed by its path relative to the root with the separators removed.
public enum SourceRootDigest {
    /// Which files of the root are selected.
    public enum Mode: Sendable, Hashable {
        /// `CopyFileDetection.ALL`: every file under the root, as `os.walk` finds them (`.git` directories dropped,
        /// symlinked directories neither listed nor entered, dangling symlinks and sockets skipped), minus those
        /// `IgnoreRules` ignores.
        case all
        /// `CopyFileDetection.LOADED_MODULES`: the `__file__` of every module the Python process has imported,
        /// which only that process knows (the flytekit plugin sends the list). Give them unfiltered except for
        /// flytekit's own exclusions of installed code (flytekit's package directory, `sys.prefix`,
        /// `sys.base_prefix`, the site-packages directories); the `os.path.commonpath` test against the root is
        /// applied here, so with a relative root nothing matches (flytekit's `d41d8cd9…` digest of nothing).
        /// Duplicates are kept, as flytekit keeps them.
        case files([String])
    }

    /// The md5 hex digest flytekit puts in place of `source_root`, the hashed files relative to the root in hash
    /// order (what the builder copies to `/root`), and the directories (relative, `""` for the root) that could not
    /// be listed and are not ignored: flytekit's `os.walk` skips them silently, so their files are neither hashed
    /// nor copied — a builder must refuse them.
    ///
    /// Stricter than flytekit on purpose: a root that is not an existing directory is an error (flytekit fails too
    /// when `git` is installed, and silently hashes nothing otherwise).
    public static func compute(
        root: String, workingDirectory: String, mode: Mode,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SpecError) -> (digest: String, files: [String], unreadableDirectories: [String]) {
        let cwd = FileSystem.absoluteWorkingDirectory(workingDirectory)
        let rootText = PyPath.from(root)
        let rootPath = FileSystem.resolve(rootText, workingDirectory: cwd)
        guard !rootPath.isEmpty, FileSystem.kind(rootPath) == .directory else {
            throw SpecError(
                .notADirectory, path: root,
                message: "source_root \(PythonRepr.repr(root)) is not a directory"
                    + (PyPath.isAbsolute(rootText) ? "" : " (relative to \(String(decoding: cwd, as: UTF8.self)))")
                    + "; point source_root at your project directory")
        }
        switch mode {
        case .all:
            let rules = try IgnoreRules(root: root, workingDirectory: workingDirectory, environment: environment)
            return try hashAll(root: rootText, rootPath: rootPath, rules: rules)
        case .files(let modules):
            _ = try IgnoreRules(root: root, workingDirectory: workingDirectory, environment: environment, useGit: false)
            return try hashModules(modules, root: rootText, cwd: cwd)
        }
    }

    private struct Selected {
        var relative: [UInt8]
        var hashedName: [UInt8]
        var path: [UInt8]
    }

    private static func hashAll(
        root: PyStr, rootPath: [UInt8], rules: IgnoreRules
    ) throws(SpecError) -> (digest: String, files: [String], unreadableDirectories: [String]) {
        let absolute = PyPath.isAbsolute(root)
        let prefix: PyStr = root.last == PyPath.slash ? root : root + [PyPath.slash]
        var selected: [Selected] = []
        var unreadable: [String] = []
        let noteUnreadable = { (components: [[UInt8]]) in
            let relative = Array(components.joined(separator: [0x2F]))
            let relativeText = PyPath.decode(relative)
            if components.isEmpty
                || !rules.isDirectoryIgnored(relative: absolute ? relativeText : prefix + relativeText)
            {
                unreadable.append(String(decoding: relative, as: UTF8.self))
            }
        }
        try DirectoryWalker.walk(rootPath, prune: { $0 != Array(".git".utf8) }, unreadable: noteUnreadable) {
            directory throws(SpecError) in
            for file in directory.files {
                if file.kind == .missing || file.kind == .socket { continue }
                let components = directory.components + [file.name]
                let relative = Array(components.joined(separator: [0x2F]))
                let relativeText = PyPath.decode(relative)
                if try rules.isIgnored(relative: absolute ? relativeText : prefix + relativeText) { continue }
                if file.kind != .regular {
                    try DirectoryWalker.checkReadable(file.kind, shownPath: PyPath.string(prefix + relativeText))
                }
                guard relativeText.allSatisfy({ $0 < 0xDC80 || $0 > 0xDCFF }) else {
                    let shown = PyPath.string(prefix + relativeText)
                    throw SpecError(
                        .undecodableName, path: shown,
                        message: "\(shown): file name is not valid UTF-8 (flytekit fails with UnicodeEncodeError); "
                            + "rename it or ignore it in .dockerignore")
                }
                selected.append(Selected(relative: relative, hashedName: Array(components.joined()), path: file.path))
            }
        }
        selected.sort { $0.relative.lexicographicallyPrecedes($1.relative) }
        var hasher = Insecure.MD5()
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        for file in selected {
            try FileSystem.hashContents(
                of: file.path, into: &hasher, buffer: &buffer,
                shownPath: PyPath.string(prefix + PyPath.decode(file.relative)))
            hasher.update(data: file.hashedName)
        }
        return (
            FlytekitHash.hex(hasher.finalize()), selected.map { String(decoding: $0.relative, as: UTF8.self) },
            unreadable
        )
    }

    private static func hashModules(
        _ modules: [String], root: PyStr, cwd: [UInt8]
    ) throws(SpecError) -> (digest: String, files: [String], unreadableDirectories: [String]) {
        let cwdText = PyPath.decode(cwd)
        var files = modules.map(PyPath.from).filter { PyPath.isInDirectory($0, root) }
        files.sort { $0.lexicographicallyPrecedes($1) }
        var hasher = Insecure.MD5()
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        var relatives: [String] = []
        for file in files {
            let shown = PyPath.string(file)
            let path = FileSystem.resolve(file, workingDirectory: cwd)
            let kind = FileSystem.kind(path)
            if kind == .missing {
                throw SpecError(
                    .unreadableFile, path: shown,
                    message: "loaded module file \(shown) does not exist; re-run after the module file is restored")
            }
            try DirectoryWalker.checkReadable(kind, shownPath: shown)
            try FileSystem.hashContents(of: path, into: &hasher, buffer: &buffer, shownPath: shown)
            let relative = PyPath.relpath(file, root, cwd: cwdText)
            hasher.update(data: PyPath.utf8(relative.filter { $0 != PyPath.slash }) ?? [])
            relatives.append(PyPath.string(relative))
        }
        return (FlytekitHash.hex(hasher.finalize()), relatives, [])
    }
}
