import Foundation

/// Credentials the way the docker CLI finds them.
///
/// The file is `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`; a missing file means anonymous.
/// For each host, the first of these that applies answers:
/// 1. `DOCKER_AUTH_CONFIG` (JSON `{"auths":{…}}` in the environment, newer docker CLIs), when it has the host;
/// 2. `credHelpers[host]` → `docker-credential-<name> get`;
/// 3. `credsStore` → `docker-credential-<name> get`, for every host;
/// 4. `auths[host]`: `auth` (base64 `user:password`), `username`/`password`, `identitytoken`, `registrytoken`.
///
/// A helper that answers "credentials not found" means anonymous. Keys are matched the way docker stores them:
/// the exact host, any key whose host part is the same (`https://host`, `http://host/v2/` …), and for Docker Hub
/// `https://index.docker.io/v1/`. The file is read at each call, so a `docker login` in between is seen.
public struct DockerConfigCredentials: CredentialProvider {
    /// The environment the file location, `DOCKER_AUTH_CONFIG` and helper `PATH` come from; helpers run with it.
    public let environment: [String: String]
    /// How long a credential helper may take before it counts as failed.
    public let helperTimeout: Duration

    /// Uses `environment` (the process environment by default) to find the config file and helpers.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, helperTimeout: Duration = .seconds(30)
    ) {
        self.environment = environment
        self.helperTimeout = helperTimeout
    }

    /// The config file consulted: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`.
    public var configPath: String {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty {
            return (directory as NSString).appendingPathComponent("config.json")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".docker/config.json")
    }

    /// Reads the config file and `DOCKER_AUTH_CONFIG` without asking for any host, so a corrupt one is an error
    /// at once, whatever the registry later asks (a registry that needs no login never makes the client read them).
    ///
    /// - Throws: ``RegistryError`` of kind `configuration` naming the file and what is wrong with it.
    public func checkConfiguration() throws(RegistryError) {
        if let inline = environment["DOCKER_AUTH_CONFIG"], !inline.trimmingCharacters(in: .whitespaces).isEmpty {
            _ = try DockerConfigFile.decode(Data(inline.utf8), source: "DOCKER_AUTH_CONFIG")
        }
        _ = try DockerConfigFile.load(path: configPath)
    }

    /// The credentials for `host`, or nil for anonymous.
    ///
    /// - Throws: ``RegistryError`` when the config file is corrupt, a stored entry is malformed, or a configured
    ///   helper is missing, fails, prints garbage or hangs.
    public func credential(for host: String) async throws(RegistryError) -> Credential? {
        let canonical = Self.canonicalHost(host)

        if let inline = environment["DOCKER_AUTH_CONFIG"], !inline.trimmingCharacters(in: .whitespaces).isEmpty {
            let config = try DockerConfigFile.decode(Data(inline.utf8), source: "DOCKER_AUTH_CONFIG")
            if let (key, entry) = Self.lookup(config.auths ?? [:], host: canonical),
                let credential = try Self.credential(from: entry, key: key, source: "DOCKER_AUTH_CONFIG")
            {
                return credential
            }
        }

        let path = configPath
        let config = try DockerConfigFile.load(path: path)
        let serverURL = Self.serverAddress(forCanonicalHost: canonical)

        if let (key, name) = Self.lookup(config.credHelpers ?? [:], host: canonical) {
            let helper = CredentialHelper(name: name, configuredBy: "credHelpers[\"\(key)\"] in \(path)")
            return try await helper.get(serverURL: serverURL, environment: environment, timeout: helperTimeout)
        }
        if let store = config.credsStore, !store.isEmpty {
            let helper = CredentialHelper(name: store, configuredBy: "credsStore in \(path)")
            return try await helper.get(serverURL: serverURL, environment: environment, timeout: helperTimeout)
        }
        if let (key, entry) = Self.lookup(config.auths ?? [:], host: canonical) {
            return try Self.credential(from: entry, key: key, source: path)
        }
        return nil
    }

    /// The docker server address for a host: `https://index.docker.io/v1/` for Docker Hub, else `host[:port]`.
    /// This is what helpers get on stdin and what `docker login` uses as the `auths` key.
    public static func serverAddress(for host: String) -> String {
        serverAddress(forCanonicalHost: canonicalHost(host))
    }

    /// `host[:port]` lowercased, without scheme or path; every Docker Hub name becomes `docker.io`.
    static func canonicalHost(_ hostOrURL: String) -> String {
        var text = Substring(hostOrURL.trimmingCharacters(in: .whitespaces))
        if let schemeEnd = text.range(of: "://") {
            text = text[schemeEnd.upperBound...]
        }
        if let slash = text.firstIndex(of: "/") {
            text = text[..<slash]
        }
        let host = text.lowercased()
        return dockerHubHosts.contains(host) ? "docker.io" : host
    }

    private static let dockerHubHosts: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    private static func serverAddress(forCanonicalHost host: String) -> String {
        host == "docker.io" ? "https://index.docker.io/v1/" : host
    }

    /// The entry of `map` for `host` (already canonical): the exact key docker would have written first, then any
    /// key whose host part is the same, in sorted order.
    static func lookup<Value>(_ map: [String: Value], host: String) -> (key: String, value: Value)? {
        let preferred =
            host == "docker.io"
            ? ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"] : [host]
        for key in preferred {
            if let value = map[key] { return (key, value) }
        }
        for key in map.keys.sorted() where canonicalHost(key) == host {
            return (key, map[key]!)
        }
        return nil
    }

    /// The credential an `auths` entry holds; nil for an empty entry (docker writes `{}` when a store holds it).
    static func credential(
        from entry: DockerConfigFile.AuthEntry, key: String, source: String
    ) throws(RegistryError) -> Credential? {
        let credential: Credential?
        if let token = entry.registrytoken, !token.isEmpty {
            credential = .registryToken(token)
        } else if let token = entry.identitytoken, !token.isEmpty {
            credential = .identityToken(token)
        } else if let auth = entry.auth?.trimmingCharacters(in: .whitespacesAndNewlines), !auth.isEmpty {
            credential = try decodeAuth(auth, key: key, source: source)
        } else if let username = entry.username, !username.isEmpty {
            credential = .basic(username: username, password: entry.password ?? "")
        } else {
            credential = nil
        }
        if let credential { Redaction.register(credential) }
        return credential
    }

    /// Decodes `auth` (standard base64 of `user:password`, split at the first `:`, trailing NULs removed).
    private static func decodeAuth(_ auth: String, key: String, source: String) throws(RegistryError) -> Credential {
        let fix = "run `docker login \(canonicalHost(key))` again or fix the entry"
        var padded = auth
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded), var text = String(data: data, encoding: .utf8) else {
            throw .configuration(
                file: source, problem: "auths[\"\(key)\"].auth is not base64 of \"user:password\"", fix: fix)
        }
        while text.hasSuffix("\0") { text.removeLast() }
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw .configuration(
                file: source, problem: "auths[\"\(key)\"].auth does not decode to \"user:password\"", fix: fix)
        }
        let username = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        Redaction.register(password)
        return .basic(username: username, password: password)
    }
}
