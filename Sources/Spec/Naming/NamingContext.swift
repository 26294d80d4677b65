import Foundation

/// What flytekit's image name depends on besides the spec itself: the Python process's environment.
///
/// flytekit resolves relative `requirements`, `copy` and `source_root` paths against the process's current
/// directory, and `source_copy_mode=LOADED_MODULES` hashes the files of the modules the process imported. The CLI
/// uses the spec file's directory (or `--cwd`); the flytekit plugin passes the real values.
public struct NamingContext: Sendable, Hashable {
    /// The directory relative paths are resolved against (flytekit: the process's CWD).
    public var workingDirectory: String
    /// `platform.machine()` (`x86_64`, `aarch64`, `arm64`): only the `platform` default reads it.
    public var hostMachine: String
    /// The `__file__` of every module the flytekit process imported (absolute paths), for
    /// `source_copy_mode=LOADED_MODULES`. `nil` means unknown: then an absolute `source_root` in that mode cannot be
    /// named (a relative one never matches any module in flytekit, so it names as "no files").
    public var loadedModuleFiles: [String]?
    /// The exact files flytekit selected under `source_root` (absolute, or relative to `workingDirectory`), if the
    /// caller already knows them (the plugin can send `ls_files`' list). Overrides walking the tree.
    public var sourceRootFiles: [String]?
    /// Environment for helper processes (`git ls-files` for `.gitignore` rules; `PATH` decides whether git is used).
    public var environment: [String: String]

    /// Creates a context; by default the current directory and host, nothing imported, the process environment.
    public init(
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        hostMachine: String = HostMachine.current,
        loadedModuleFiles: [String]? = nil,
        sourceRootFiles: [String]? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.workingDirectory = workingDirectory
        self.hostMachine = hostMachine
        self.loadedModuleFiles = loadedModuleFiles
        self.sourceRootFiles = sourceRootFiles
        self.environment = environment
    }
}
