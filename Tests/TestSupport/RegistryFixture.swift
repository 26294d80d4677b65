import Foundation
import Synchronization

/// A real distribution registry (Debian's `docker-registry`) on 127.0.0.1 with a free port, started by the test
/// itself — no script has to run first. With `.basic` it checks an htpasswd (bcrypt) file; with `.token` it trusts
/// tokens from the project's own `scripts/token-server.py`, which this fixture starts too.
///
/// ```swift
/// let registry = try await RegistryFixture.start(auth: .token)
/// defer { registry.stop() }
/// // push to "\(registry.host)/team/app:1" with registry.username / registry.password
/// ```
/// `stop()` (also run on deinit) kills only this fixture's own processes and removes its temporary directory.
public final class RegistryFixture: Sendable {
    /// How clients must authenticate.
    public let auth: RegistryAuthMode
    /// `127.0.0.1:PORT`: the registry part of references (`"\(host)/repo:tag"`); plain HTTP.
    public let host: String
    /// The registry's TCP port.
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://\(host)" }
    /// The user for `.basic` and `.token` (nil for `.none`).
    public let username: String?
    /// The password for `.basic` and `.token` (nil for `.none`). Random per fixture.
    public let password: String?
    /// The token endpoint (`http://127.0.0.1:T/token`) for `.token`, as announced in the Bearer challenge.
    public let tokenRealm: String?
    /// The `service` of the Bearer challenge (and the tokens' `aud`) for `.token`.
    public let tokenService: String?
    /// The token server's JSON users/grants file (re-read per request) for `.token`.
    public let tokenConfigPath: String?
    /// The token server's request log (one JSON object per line: requested and granted scopes) for `.token`.
    public let tokenLogPath: String?
    /// The configuration the token server started with (`.token`); see `updateTokenConfig(_:)`.
    public let initialTokenConfig: TokenServerConfig?
    /// The registry's log (logrus lines with `http.request.method`/`http.request.uri`, plus an access log):
    /// read it to check what the registry saw, e.g. that a blob was mounted (`?mount=…&from=…`).
    public let logPath: String
    /// The fixture's private directory (config, storage, logs); removed by `stop()`.
    public let directory: String
    /// The registry's storage root (`docker/registry/v2/…` below it).
    public var storagePath: String { directory + "/storage" }

    /// The Debian registry's default service would listen on this port on all interfaces; never use it.
    static let forbiddenPort = 5000

    private let processes: [ManagedProcess]
    private let stopped = Mutex(false)

    init(
        auth: RegistryAuthMode, port: Int, username: String?, password: String?, tokenRealm: String?,
        tokenService: String?, tokenConfigPath: String?, tokenLogPath: String?, initialTokenConfig: TokenServerConfig?,
        directory: String, processes: [ManagedProcess]
    ) {
        self.auth = auth
        self.port = port
        self.host = "127.0.0.1:\(port)"
        self.username = username
        self.password = password
        self.tokenRealm = tokenRealm
        self.tokenService = tokenService
        self.tokenConfigPath = tokenConfigPath
        self.tokenLogPath = tokenLogPath
        self.initialTokenConfig = initialTokenConfig
        self.logPath = directory + "/registry.log"
        self.directory = directory
        self.processes = processes
    }

    deinit {
        stop()
    }

    /// Starts a registry and waits until `GET /v2/` answers (200, or 401 with the auth challenge).
    ///
    /// - Parameters:
    ///   - auth: `.none`, `.basic` (htpasswd) or `.token` (token server).
    ///   - tokenConfig: users and grants for `.token`; default: `username`/`password` may pull/push/delete any
    ///     repository, and `oauth2accesstoken` with `RegistryFixture.garAccessToken` may pull/push the GAR-style
    ///     repositories of project `test-project` listed in `projects` (`created-repo`).
    /// - Throws: `TestSupportError` naming the missing tool or the registry's last log lines.
    public static func start(
        auth: RegistryAuthMode = .none, tokenConfig: TokenServerConfig? = nil
    ) async throws -> RegistryFixture {
        let launcher = RegistryLauncher(auth: auth, tokenConfig: tokenConfig)
        return try await DedicatedThread.run { try launcher.launch() }
    }

    /// The GAR-style access token the default token configuration accepts for `oauth2accesstoken`.
    public static let garAccessToken = "ya29.imagespec-test-access-token"
    /// The GAR-style project of the default token configuration.
    public static let garProject = "test-project"
    /// The GAR-style repositories of `garProject` in the default token configuration.
    public static let garRepositories = ["created-repo"]

    /// `"127.0.0.1:PORT/<repository>:<tag>"`.
    public func reference(_ repository: String, tag: String = "latest") -> String {
        "\(host)/\(repository):\(tag)"
    }

    /// `"user:password"` for tools' `--creds`/`-u` options (nil for `.none`).
    public var credentials: String? {
        guard let username, let password else { return nil }
        return "\(username):\(password)"
    }

    /// A docker `config.json` body with an `auths` entry (base64 `user:password`) for this registry, or an empty
    /// `auths` for `.none`. Write it to `$DOCKER_CONFIG/config.json` to log a client in.
    public func dockerConfigJSON() -> String {
        guard let credentials else { return #"{"auths":{}}"# }
        let auth = Data(credentials.utf8).base64EncodedString()
        return #"{"auths":{"\#(host)":{"auth":"\#(auth)"}}}"#
    }

    /// Replaces the token server's users/grants file (atomically); the next token request sees it.
    public func updateTokenConfig(_ config: TokenServerConfig) throws {
        guard let tokenConfigPath else {
            throw TestSupportError("updateTokenConfig: this registry uses auth \(auth), not .token")
        }
        try Self.writeTokenConfig(config, to: tokenConfigPath)
    }

    /// The registry's log so far (empty when unreadable).
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The token server's request log so far, one JSON object per line (empty for other modes).
    public func tokenLog() -> String {
        guard let tokenLogPath else { return "" }
        return (try? String(contentsOfFile: tokenLogPath, encoding: .utf8)) ?? ""
    }

    /// The PIDs of this fixture's processes (registry last), for tests that check they are gone after `stop()`.
    public var processIDs: [Int32] { processes.map(\.pid) }

    /// Whether every process of the fixture is still running.
    public var isRunning: Bool { processes.allSatisfy(\.isRunning) }

    /// Kills this fixture's own processes (by PID) and removes its directory. Safe to call more than once.
    public func stop() {
        let already = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !already else { return }
        for process in processes.reversed() {
            process.stop()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func writeTokenConfig(_ config: TokenServerConfig, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(config)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
