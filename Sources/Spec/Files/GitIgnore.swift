import Foundation

/// flytekit's `GitIgnore`: the paths `git ls-files -io --exclude-standard` prints when run in the source root, matched
/// exactly against `PurePosixPath(path).as_posix()`. No filtering when `git` is not on `PATH` or exits non-zero (not a
/// work tree). Like flytekit, git's default path quoting is kept: with `core.quotePath` on (git's default), names with
/// non-ASCII bytes are printed quoted and so are never matched — flytekit behaves the same.
///
/// The second listing (`--directory`, for ignored directories) is only ever consulted for a path that is a directory;
/// it is run lazily, the first time that happens, so a normal walk spawns `git` once.
final class GitIgnore {
    private let root: PyStr
    private let rootPath: [UInt8]
    private let workingDirectory: [UInt8]
    private let gitExecutable: String?
    private let environment: [String: String]
    private let ignoredFiles: Set<PyStr>
    private var ignoredDirectories: Set<PyStr>?

    init(
        root: PyStr, rootPath: [UInt8], workingDirectory: [UInt8], environment: [String: String]
    ) throws(SpecError) {
        self.root = root
        self.rootPath = rootPath
        self.workingDirectory = workingDirectory
        self.environment = environment
        gitExecutable = GitIgnore.which("git", environment: environment)
        ignoredFiles = try GitIgnore.listIgnored(
            gitExecutable, extra: [], in: rootPath, environment: environment, shownRoot: PyPath.string(root))
    }

    /// `GitIgnore._is_ignored(path)` for a path relative to the root (or, with a relative root, to the CWD).
    func isIgnored(_ path: PyStr) throws(SpecError) -> Bool {
        guard !ignoredFiles.isEmpty else { return false }
        let posix = PyPath.asPosix(path)
        if ignoredFiles.contains(posix) { return true }
        let joined = FileSystem.resolve(PyPath.join(root, path), workingDirectory: workingDirectory)
        guard FileSystem.kind(joined) == .directory else { return false }
        if ignoredDirectories == nil {
            ignoredDirectories = try GitIgnore.listIgnored(
                gitExecutable, extra: ["--directory"], in: rootPath, environment: environment,
                shownRoot: PyPath.string(root))
        }
        return ignoredDirectories!.contains(posix + [PyPath.slash])
    }

    /// `shutil.which(name)` on `PATH` from `environment`.
    static func which(_ name: String, environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/bin:/usr/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            if FileSystem.kind(Array(candidate.utf8)) == .regular && access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// `git ls-files -io --exclude-standard [extra]` in `directory`: the set of printed lines, or empty when git is
    /// missing, cannot start or exits non-zero.
    static func listIgnored(
        _ git: String?, extra: [String], in directory: [UInt8], environment: [String: String], shownRoot: String
    ) throws(SpecError) -> Set<PyStr> {
        guard let git else { return [] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = ["ls-files", "-io", "--exclude-standard"] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: String(decoding: directory, as: UTF8.self))
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return []
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return [] }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw SpecError(
                .gitOutput, path: shownRoot,
                message: "git ls-files in \(shownRoot) printed non-UTF-8 names (flytekit fails on them too); "
                    + "rename those files or set core.quotePath=true")
        }
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        return Set(lines.map { $0.map(\.value) })
    }
}
