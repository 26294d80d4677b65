import Foundation

/// flytekit's `IgnoreGroup(source_root, [GitIgnore, DockerIgnore, StandardIgnore])`, the filter of `source_root`
/// files when `source_copy_mode` is `ALL`. A path is ignored if any of the three says so:
/// - git: listed by `git ls-files -io --exclude-standard` run in the root (no filtering without git or outside a
///   work tree);
/// - `.dockerignore` in the root, with docker-py's pattern semantics (see `DockerIgnore`);
/// - flytekit's standard patterns `*.pyc`, `.cache`, `.cache/*`, `__pycache__/*`, `**/__pycache__/*` (`fnmatch`).
///
/// Like flytekit, an absolute path is first made relative to the root; a relative path is used as given. With a
/// relative `source_root` the walked paths stay relative to the working directory (`src/.cache/x.bin`), so most rules
/// silently stop matching — flytekit's quirk, reproduced on purpose.
public final class IgnoreRules {
    /// The root as given (may be relative to the working directory).
    public let root: String
    let rootText: PyStr
    let workingDirectory: [UInt8]
    let git: GitIgnore?
    let docker: DockerIgnore

    /// Reads the root's `.dockerignore` and runs `git` once, as flytekit's constructor does.
    /// - Parameters:
    ///   - root: `source_root` as written.
    ///   - workingDirectory: what flytekit's process CWD would be; relative paths resolve against it.
    ///   - environment: `PATH` finds `git`; the whole environment is passed to it.
    ///   - useGit: false skips git (flytekit's `LOADED_MODULES` mode builds the group but never consults it).
    public init(
        root: String, workingDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment, useGit: Bool = true
    ) throws(SpecError) {
        self.root = root
        rootText = PyPath.from(root)
        self.workingDirectory = FileSystem.absoluteWorkingDirectory(workingDirectory)
        let rootPath = FileSystem.resolve(rootText, workingDirectory: self.workingDirectory)
        let dockerignorePath = FileSystem.resolve(
            PyPath.join(rootText, PyPath.from(".dockerignore")), workingDirectory: self.workingDirectory)
        let shown = PyPath.string(PyPath.join(rootText, PyPath.from(".dockerignore")))
        if FileSystem.kind(dockerignorePath) == .regular {
            let contents = try IgnoreRules.readAll(dockerignorePath, shownPath: shown)
            docker = try DockerIgnore(fileContents: contents, path: shown)
        } else {
            docker = try DockerIgnore(patterns: [], source: shown)
        }
        git =
            useGit
            ? try GitIgnore(
                root: rootText, rootPath: rootPath, workingDirectory: self.workingDirectory,
                environment: environment)
            : nil
    }

    /// `IgnoreGroup.is_ignored(path)`.
    public func isIgnored(_ path: String) throws(SpecError) -> Bool {
        var text = PyPath.from(path)
        if PyPath.isAbsolute(text) {
            text = PyPath.relpath(text, rootText, cwd: PyPath.decode(workingDirectory))
        }
        return try isIgnored(relative: text)
    }

    /// The group's check for a path that is already relative (or stays CWD-relative for a relative root).
    func isIgnored(relative path: PyStr) throws(SpecError) -> Bool {
        if let git, try git.isIgnored(path) { return true }
        if docker.matches(path) { return true }
        return StandardIgnore.isIgnored(path)
    }

    /// Whether a whole directory is left out by `.dockerignore` or flytekit's standard rules (git's listing, which
    /// names files only, is not asked).
    func isDirectoryIgnored(relative path: PyStr) -> Bool {
        docker.matches(path) || StandardIgnore.isIgnored(path)
    }

    static func readAll(_ path: [UInt8], shownPath: String) throws(SpecError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: String(decoding: path, as: UTF8.self)) else {
            throw FileSystem.unreadable(shownPath, EACCES)
        }
        defer { try? handle.close() }
        do {
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            throw SpecError(
                .unreadableFile, path: shownPath, message: "cannot read \(shownPath): \(error); fix its permissions")
        }
    }
}
