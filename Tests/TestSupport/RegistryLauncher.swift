import Foundation
import Synchronization

/// Starts the processes behind a `RegistryFixture`: writes the registry config (and htpasswd file or token
/// server config), launches them, and waits until the registry answers on `/v2/`.
struct RegistryLauncher {
    let auth: RegistryAuthMode
    let tokenConfig: TokenServerConfig?

    static let username = "imagespec"
    static let tokenService = "registry.test"
    static let tokenIssuer = "imagespec-token-server"
    /// Generous: a loaded CI machine (hundreds of parallel tests on 2 cores) starts processes slowly.
    static let startTimeout: Duration = .seconds(60)

    /// The RSA key + self-signed certificate that sign tokens; made once per test process (openssl is slow-ish).
    private static let signingMaterial = Mutex<(key: String, certificate: String)?>(nil)

    /// Starts everything; blocks the calling thread (run it on a `DedicatedThread`).
    func launch() throws -> RegistryFixture {
        let registryBinary = try ExternalTool.require("docker-registry")
        let directory = try makeTemporaryDirectory(prefix: "imagespec-registry")
        var processes: [ManagedProcess] = []
        do {
            try FileManager.default.createDirectory(
                atPath: directory + "/storage", withIntermediateDirectories: true)
            let password: String? = auth == .none ? nil : "pw-" + Self.randomHex(bytes: 12)
            let username: String? = auth == .none ? nil : Self.username

            var tokenRealm: String?
            var tokenConfigPath: String?
            var tokenLogPath: String?
            var effectiveTokenConfig: TokenServerConfig?
            switch auth {
            case .none:
                break
            case .basic:
                let entry = try ExternalTool.run("htpasswd", ["-Bbn", username!, password!], timeout: .seconds(30))
                    .check().stdout
                try entry.write(toFile: directory + "/htpasswd", atomically: true, encoding: .utf8)
            case .token:
                let config = tokenConfig ?? Self.defaultTokenConfig(username: username!, password: password!)
                effectiveTokenConfig = config
                tokenConfigPath = directory + "/token-config.json"
                tokenLogPath = directory + "/token.log"
                try RegistryFixture.writeTokenConfig(config, to: tokenConfigPath!)
                let (server, realm) = try startTokenServer(
                    directory: directory, configPath: tokenConfigPath!, logPath: tokenLogPath!)
                processes.append(server)
                tokenRealm = realm
            }

            let (registry, port) = try startRegistry(
                binary: registryBinary, directory: directory, realm: tokenRealm)
            processes.append(registry)
            return RegistryFixture(
                auth: auth, port: port, username: username, password: password, tokenRealm: tokenRealm,
                tokenService: auth == .token ? Self.tokenService : nil, tokenConfigPath: tokenConfigPath,
                tokenLogPath: tokenLogPath, initialTokenConfig: effectiveTokenConfig, directory: directory,
                processes: processes)
        } catch {
            for process in processes.reversed() { process.stop() }
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// The default users/grants (see `RegistryFixture.start`).
    static func defaultTokenConfig(username: String, password: String) -> TokenServerConfig {
        TokenServerConfig(
            accounts: [
                .init(username: username, password: password, grants: [.repository("*")]),
                .init(
                    username: "oauth2accesstoken", password: RegistryFixture.garAccessToken,
                    grants: [.project(RegistryFixture.garProject)]),
            ],
            projects: [RegistryFixture.garProject: RegistryFixture.garRepositories])
    }

    // MARK: - registry

    private func startRegistry(binary: String, directory: String, realm: String?) throws
        -> (ManagedProcess, Int)
    {
        // distribution treats every REGISTRY_* variable as a config override (REGISTRY_LOG=/path replaces the log
        // section, REGISTRY_AUTH=none the auth section), and .ci/run exports REGISTRY_* for its shared registry.
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("REGISTRY_") }
        var lastFailure = ""
        for _ in 0..<5 {
            var port = try LoopbackPort.free()
            while port == RegistryFixture.forbiddenPort { port = try LoopbackPort.free() }
            let configPath = directory + "/config.yml"
            try registryConfig(directory: directory, port: port, realm: realm)
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let process = try ManagedProcess.launch(
                binary, ["serve", configPath], environment: environment, logPath: directory + "/registry.log")
            // Ready = our process logged that it bound the port (so the answer below is really from it, not from
            // some other server that took the port first) and /v2/ answers.
            let bound = "listening on 127.0.0.1:\(port)"
            let ready = Self.poll(timeout: Self.startTimeout) {
                if process.isRunning, process.log().contains(bound),
                    let status = LoopbackPort.httpStatus(port: port, path: "/v2/"), status == 200 || status == 401
                {
                    return true
                }
                return process.isRunning ? nil : false
            }
            if ready { return (process, port) }
            process.stop()
            lastFailure = process.logTail()
            if lastFailure.contains("address already in use") { continue }  // lost the port race: try another
            throw TestSupportError(
                "docker-registry did not answer on 127.0.0.1:\(port)/v2/ within \(Self.startTimeout): \(lastFailure)")
        }
        throw TestSupportError("docker-registry found no free port in 5 attempts: \(lastFailure)")
    }

    private func registryConfig(directory: String, port: Int, realm: String?) -> String {
        var text = """
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: \(directory)/storage
              delete:
                enabled: true
              cache:
                blobdescriptor: inmemory
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:\(port)
              secret: \(Self.randomHex(bytes: 16))

            """
        switch auth {
        case .none:
            break
        case .basic:
            text += """
                auth:
                  htpasswd:
                    realm: basic-realm
                    path: \(directory)/htpasswd

                """
        case .token:
            text += """
                auth:
                  token:
                    realm: \(realm!)
                    service: \(Self.tokenService)
                    issuer: \(Self.tokenIssuer)
                    rootcertbundle: \(directory)/token.crt

                """
        }
        return text
    }

    // MARK: - token server

    private func startTokenServer(directory: String, configPath: String, logPath: String) throws
        -> (ManagedProcess, String)
    {
        let python = try TestEnvironment.venvPython ?? ExternalTool.require("python3")
        let script = TestEnvironment.script("token-server.py")
        guard FileManager.default.fileExists(atPath: script) else {
            throw TestSupportError("\(script) is missing: the token server is part of the repository")
        }
        let material = try Self.makeSigningMaterial()
        try material.key.write(toFile: directory + "/token.key", atomically: true, encoding: .utf8)
        try material.certificate.write(toFile: directory + "/token.crt", atomically: true, encoding: .utf8)
        let portFile = directory + "/token.port"
        let process = try ManagedProcess.launch(
            python,
            [
                script, "--config", configPath, "--key", directory + "/token.key", "--cert", directory + "/token.crt",
                "--issuer", Self.tokenIssuer, "--port-file", portFile, "--log", logPath,
            ],
            environment: ProcessInfo.processInfo.environment, logPath: directory + "/token-server.out")
        var realm: String?
        var exited = false
        _ = Self.poll(timeout: Self.startTimeout) {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                realm = "http://127.0.0.1:\(port)/token"
                return true
            }
            if !process.isRunning {
                exited = true
                return false
            }
            return nil
        }
        if let realm { return (process, realm) }
        process.stop()
        if exited {
            throw TestSupportError("token-server.py exited at start: \(process.logTail())")
        }
        throw TestSupportError("token-server.py did not listen within \(Self.startTimeout): \(process.logTail())")
    }

    /// Calls `check` every 20 ms until it returns true (→ true) or false (→ false), or the timeout passes; `check`
    /// runs once more after the deadline, so a late wake-up never turns success into a timeout.
    static func poll(timeout: Duration, _ check: () -> Bool?) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let expired = ContinuousClock.now >= deadline
            if let answer = check() { return answer }
            if expired { return false }
            usleep(20_000)
        }
    }

    private static func makeSigningMaterial() throws -> (key: String, certificate: String) {
        try signingMaterial.withLock { cached in
            if let cached { return cached }
            let scratch = try makeTemporaryDirectory(prefix: "imagespec-token-key")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            try ExternalTool.run(
                "openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", scratch + "/key.pem", "-out",
                    scratch + "/cert.pem", "-days", "7", "-subj", "/CN=\(tokenIssuer)",
                ], timeout: .seconds(60)
            ).check()
            let material = (
                key: try String(contentsOfFile: scratch + "/key.pem", encoding: .utf8),
                certificate: try String(contentsOfFile: scratch + "/cert.pem", encoding: .utf8)
            )
            cached = material
            return material
        }
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
