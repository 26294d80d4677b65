import Crypto

/// flytekit's digest of `ImageSpec.copy`: `flytekit.tools.fast_registration.compute_digest(copy, None)`.
///
/// One md5 over the list in the given order. A directory is walked like `os.walk(dir)`: each directory's files in
/// name order (code point order), sub-directories in the order the file system lists them (raw `readdir` order, not
/// sorted), symlinked sub-directories not entered; every file contributes its bytes followed by its path relative to
/// the listed directory with the separators removed (`nested/deeper/d.txt` → `nesteddeeperd.txt`; the directory's
/// own name is not hashed). Anything else contributes its bytes followed by its `os.path.basename`. Missing paths,
/// dangling symlinks and sockets are skipped silently; nothing is ignored (no `.gitignore`/`.dockerignore`, `.git`
/// included). Relative paths are resolved against `workingDirectory` (flytekit uses the process's CWD).
public enum CopyDigest {
    /// The md5 hex digest flytekit puts in place of `copy` in the hash input.
    public static func compute(paths: [String], workingDirectory: String) throws(SpecError) -> String {
        let cwd = FileSystem.absoluteWorkingDirectory(workingDirectory)
        var hasher = Insecure.MD5()
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        for path in paths {
            let given = PyPath.from(path)
            let resolved = FileSystem.resolve(given, workingDirectory: cwd)
            let kind = resolved.isEmpty ? .missing : FileSystem.kind(resolved)
            if kind == .directory {
                try DirectoryWalker.walk(resolved) { directory throws(SpecError) in
                    let files = directory.files.sorted { $0.name.lexicographicallyPrecedes($1.name) }
                    for file in files {
                        let shown =
                            path + "/"
                            + (directory.components + [file.name]).map {
                                String(decoding: $0, as: UTF8.self)
                            }.joined(separator: "/")
                        try hashFile(
                            file.path, kind: file.kind,
                            hashedName: Array((directory.components + [file.name]).joined()),
                            shownPath: shown, into: &hasher, buffer: &buffer)
                    }
                }
            } else {
                try hashFile(
                    resolved, kind: kind, hashedName: PyPath.fsencode(PyPath.basename(given)), shownPath: path,
                    into: &hasher, buffer: &buffer)
            }
        }
        return FlytekitHash.hex(hasher.finalize())
    }

    /// `compute_digest_for_file`: skip missing and sockets, else bytes then the name.
    private static func hashFile(
        _ path: [UInt8], kind: FileSystem.Kind, hashedName: [UInt8], shownPath: String,
        into hasher: inout Insecure.MD5, buffer: inout [UInt8]
    ) throws(SpecError) {
        if kind == .missing || kind == .socket { return }
        try DirectoryWalker.checkReadable(kind, shownPath: shownPath)
        guard String(validating: hashedName, as: UTF8.self) != nil else {
            throw SpecError(
                .undecodableName, path: shownPath,
                message: "\(shownPath): file name is not valid UTF-8 (flytekit fails with UnicodeEncodeError); "
                    + "rename it")
        }
        try FileSystem.hashContents(of: path, into: &hasher, buffer: &buffer, shownPath: shownPath)
        hasher.update(data: hashedName)
    }
}
