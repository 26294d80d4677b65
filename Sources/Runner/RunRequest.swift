/// One command to run inside an image's root file system.
public struct RunRequest: Sendable {
    /// The unpacked layers (``RootfsStore/materialise(_:)``), bottom first.
    public var lowerDirectories: [String]
    /// Run as `/bin/sh -c COMMAND` inside the root.
    public var command: String
    /// `KEY=VALUE` entries: exactly the process environment inside (nothing of the host leaks in), except that the
    /// CA variables (`SSL_CERT_FILE`, `CURL_CA_BUNDLE`, `REQUESTS_CA_BUNDLE`, `PIP_CERT`) are added when the host
    /// has a CA bundle and the request does not set them.
    public var environment: [String]
    /// The working directory inside the root (must exist there).
    public var workingDirectory: String
    /// `nil` for root; `"uid"`, `"uid:gid"`, `"name"` or `"name:group"` resolved in the root's `/etc/passwd` and
    /// `/etc/group`.
    public var user: String?
    /// Host paths bound into the root for the run only.
    public var binds: [RunBind]
    /// Image paths covered by an empty tmpfs during the run (e.g. `/var/lib/apt/lists`).
    public var tmpfsMounts: [String]
    /// Layer paths (relative, e.g. `var/cache/apt`) whose subtree is dropped from the layer.
    public var excludedPaths: [String]
    /// The command is killed after this long; `nil` for no limit.
    public var timeout: Duration?
    /// The emulator for a foreign architecture; `nil` runs natively.
    public var emulator: RunEmulator?
    /// Upper, work, merged and link directories are created below it; the caller removes it after using the
    /// result's layer.
    public var scratchDirectory: String

    /// Creates a request.
    public init(
        lowerDirectories: [String], command: String, environment: [String] = [], workingDirectory: String = "/",
        user: String? = nil, binds: [RunBind] = [], tmpfsMounts: [String] = [], excludedPaths: [String] = [],
        timeout: Duration? = nil, emulator: RunEmulator? = nil, scratchDirectory: String
    ) {
        self.lowerDirectories = lowerDirectories
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.binds = binds
        self.tmpfsMounts = tmpfsMounts
        self.excludedPaths = excludedPaths
        self.timeout = timeout
        self.emulator = emulator
        self.scratchDirectory = scratchDirectory
    }
}
