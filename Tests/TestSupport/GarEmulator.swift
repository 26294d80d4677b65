import Foundation
import Synchronization

/// Google Artifact Registry emulated from its documented behaviour with real parts: a real `docker-registry` with
/// token auth (``RegistryFixture`` `.token`), the project's token server (which also answers the Artifact Registry
/// REST API: get/create repository, operation polling) and, in front of the registry, the token server's
/// `--gar-proxy` mode, which rewrites distribution's `401 insufficient_scope` into GAR's `404 NAME_UNKNOWN` /
/// `403 DENIED` bodies (distribution itself cannot produce those).
///
/// Map a GAR host to ``host`` in registries.conf (``registriesConf(for:)``) and point
/// `CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY` at ``apiBaseURL``.
public final class GarEmulator: Sendable {
    /// The token-auth registry behind the proxy.
    public let registry: RegistryFixture
    /// `127.0.0.1:PORT` of the proxy: the host clients talk to.
    public let host: String
    /// The Artifact Registry API root (`http://127.0.0.1:T/`, the token server).
    public let apiBaseURL: String
    /// The proxy's request log (JSON lines: method, path, status, rewritten status and code).
    public let proxyLogPath: String
    private let proxy: ManagedProcess
    private let stopped = Mutex(false)

    private init(
        registry: RegistryFixture, host: String, apiBaseURL: String, proxyLogPath: String, proxy: ManagedProcess
    ) {
        self.registry = registry
        self.host = host
        self.apiBaseURL = apiBaseURL
        self.proxyLogPath = proxyLogPath
        self.proxy = proxy
    }

    deinit {
        stop()
    }

    /// Starts registry, token server and proxy.
    ///
    /// - Parameters:
    ///   - tokenConfig: accounts, grants and the existing repositories (`projects`).
    ///   - location: the location named in GAR's error messages (`us-east1`).
    public static func start(tokenConfig: TokenServerConfig, location: String = "us-east1") async throws
        -> GarEmulator
    {
        let registry = try await RegistryFixture.start(auth: .token, tokenConfig: tokenConfig)
        do {
            return try await DedicatedThread.run { try launchProxy(registry: registry, location: location) }
        } catch {
            registry.stop()
            throw error
        }
    }

    private static func launchProxy(registry: RegistryFixture, location: String) throws -> GarEmulator {
        guard let configPath = registry.tokenConfigPath, let realm = registry.tokenRealm else {
            throw TestSupportError("GarEmulator needs a .token registry")
        }
        let python = try TestEnvironment.venvPython ?? ExternalTool.require("python3")
        let portFile = registry.directory + "/gar-proxy.port"
        let logPath = registry.directory + "/gar-proxy.log"
        let process = try ManagedProcess.launch(
            python,
            [
                TestEnvironment.script("token-server.py"), "--gar-proxy", registry.baseURL, "--config", configPath,
                "--gar-location", location, "--port-file", portFile, "--log", logPath,
            ],
            environment: ProcessInfo.processInfo.environment, logPath: registry.directory + "/gar-proxy.out")
        var port: Int?
        _ = RegistryLauncher.poll(timeout: .seconds(20)) {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                port = value
                return true
            }
            return process.isRunning ? nil : false
        }
        guard let port else {
            process.stop()
            throw TestSupportError("token-server.py --gar-proxy did not start: \(process.logTail())")
        }
        let apiBase = String(realm.dropLast("token".count))
        return GarEmulator(
            registry: registry, host: "127.0.0.1:\(port)", apiBaseURL: apiBase, proxyLogPath: logPath, proxy: process)
    }

    /// `127.0.0.1:PORT` where nothing listens (a port that was free a moment ago): point `GCE_METADATA_IP` at it so
    /// the implicit metadata server is refused at once on any machine — a CI runner on GCE included, where
    /// `metadata.google.internal` would answer with real credentials.
    public static func unreachableMetadataAddress() throws -> String {
        "127.0.0.1:\(try LoopbackPort.free())"
    }

    /// A registries.conf that sends `prefix` (e.g. `us-east1-docker.pkg.dev`) to this emulator.
    public func registriesConf(for prefix: String) -> String {
        """
        [[registry]]
        prefix = "\(prefix)"
        location = "\(host)"

        """
    }

    /// Replaces the token server's accounts, grants and repositories.
    public func updateTokenConfig(_ config: TokenServerConfig) throws {
        try registry.updateTokenConfig(config)
    }

    /// The repositories of `project` that exist now (read from the token server's config file).
    public func repositories(of project: String) -> [String] {
        guard let path = registry.tokenConfigPath, let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let projects = object["projects"] as? [String: [String]]
        else { return [] }
        return projects[project] ?? []
    }

    /// The proxy's log so far.
    public func proxyLog() -> String {
        (try? String(contentsOfFile: proxyLogPath, encoding: .utf8)) ?? ""
    }

    /// Stops proxy, token server and registry (by PID) and removes the directory.
    public func stop() {
        let already = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !already else { return }
        proxy.stop()
        registry.stop()
    }
}
