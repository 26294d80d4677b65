import Foundation
import Logging
import OCI
import Registry

/// Everything a registry operation needs from the environment, resolved once: the registries.conf configuration
/// (with extra insecure hosts applied), the credentials and the logger — what `imagespec` builds for every verb,
/// for library users too.
///
/// Credentials: the docker config (`$DOCKER_CONFIG` or `~/.docker`, helpers included) for every host; for Google
/// hosts (`*-docker.pkg.dev`, `*.pkg.dev`, `gcr.io`, `*.gcr.io`) and the hosts registries.conf sends them to,
/// Application Default Credentials when the docker config has nothing (``GoogleCredentialProvider``).
///
/// ```swift
/// let setup = try RegistrySetup()
/// let client = setup.makeClient()
/// var options = try BuildOptions()
/// options.preflight = setup.pushPreflight(createRepository: true)
/// ```
public struct RegistrySetup: Sendable {
    /// The endpoint configuration.
    public let configuration: RegistriesConfiguration
    /// Docker config credentials, plus Application Default Credentials for Google hosts.
    public let credentials: GoogleCredentialProvider
    /// The environment the setup was read from.
    public let environment: [String: String]
    /// The logger handed to the client.
    public let logger: Logger
    /// How the client retries temporary failures.
    public let retryPolicy: RetryPolicy
    /// The client's idle and total request timeouts.
    public let timeouts: RegistryTimeouts

    /// Reads the configuration and credentials `environment` selects.
    ///
    /// - Parameters:
    ///   - registriesConf: an explicit containers-registries.conf(5) file; nil uses `$IMAGESPEC_REGISTRIES_CONF`,
    ///     `~/.config/containers/registries.conf` or `/etc/containers/registries.conf`.
    ///   - insecureRegistries: `host[:port]` values that may use plain HTTP (or unverified TLS) wherever they appear
    ///     — as the registry of a reference, a rewritten `location` or a mirror — overriding the file's `insecure`.
    ///   - environment: the process environment to read.
    ///   - logger: handed to the client and the credential providers.
    ///   - retryPolicy: how the client retries temporary failures.
    ///   - timeouts: the client's idle (no progress) and total request timeouts.
    /// - Throws: ``Problem`` for a missing registries.conf or a malformed insecure host, ``Registry/RegistryError``
    ///   naming the registries.conf file (and line) that is unreadable or invalid.
    public init(
        registriesConf: String? = nil, insecureRegistries: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "imagespec"), retryPolicy: RetryPolicy = .default,
        timeouts: RegistryTimeouts = .default
    ) throws {
        self.logger = logger
        self.retryPolicy = retryPolicy
        self.timeouts = timeouts
        self.environment = environment
        let configuration = try Self.loadConfiguration(
            registriesConf: registriesConf, insecureRegistries: insecureRegistries, environment: environment)
        self.configuration = configuration
        self.credentials = GoogleCredentialProvider(
            environment: environment, inner: DockerConfigCredentials(environment: environment),
            additionalHosts: GoogleCredentialProvider.mappedGoogleHosts(configuration: configuration), logger: logger)
    }

    /// A registry client with this setup's configuration, credentials, retry policy, timeouts and logger.
    public func makeClient() -> RegistryClient {
        RegistryClient(
            credentials: credentials, configuration: configuration, retryPolicy: retryPolicy, timeouts: timeouts,
            logger: logger)
    }

    /// The registries.conf `registriesConf` or the environment selects, plus the `insecureRegistries` hosts.
    public static func loadConfiguration(
        registriesConf: String?, insecureRegistries: [String], environment: [String: String]
    ) throws -> RegistriesConfiguration {
        let hosts = try insecureRegistries.map(validatedInsecureHost)
        let base: RegistriesConfiguration
        if let path = registriesConf {
            guard FileManager.default.fileExists(atPath: path) else {
                throw Problem.missingRegistriesConf(path: path)
            }
            base = try RegistriesConfiguration(contentsOf: path)
        } else {
            base = try RegistriesConfiguration.load(environment: environment)
        }
        return base.addingInsecureHosts(hosts)
    }

    /// `host[:port]` lowercased, or ``Problem/invalidInsecureHost(_:problem:)``.
    public static func validatedInsecureHost(_ value: String) throws(Problem) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let problem: String?
        if trimmed.isEmpty {
            problem = "is empty"
        } else if trimmed.contains("://") {
            problem = "has a URL scheme"
        } else if trimmed.contains("/") {
            problem = "has a path"
        } else if let reference = try? Reference("\(trimmed)/probe"),
            reference.registry == trimmed.lowercased(),
            trimmed.contains(".") || trimmed.contains(":")
                || trimmed.lowercased() == "localhost"
        {
            problem = nil
        } else {
            problem = "is not a registry host name"
        }
        if let problem {
            throw Problem.invalidInsecureHost(value, problem: problem)
        }
        return trimmed.lowercased()
    }
}
