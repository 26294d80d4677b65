import Builder
import Foundation
import GoogleCloud
import Logging
import OCI
import Registry

/// Everything a registry verb needs from the environment, resolved once: the registries.conf configuration (with
/// `--insecure-registry` hosts applied), the credentials and the logger.
///
/// Credentials: the docker config (`$DOCKER_CONFIG` or `~/.docker`, helpers included) for every host; for Google
/// hosts (`*-docker.pkg.dev`, `*.pkg.dev`, `gcr.io`, `*.gcr.io`) and the hosts registries.conf sends them to,
/// Application Default Credentials when the docker config has nothing (``GoogleCloud/GoogleCredentialProvider``).
struct RegistrySetup: Sendable {
    /// The endpoint configuration.
    let configuration: RegistriesConfiguration
    /// Docker config credentials, plus Application Default Credentials for Google hosts.
    let credentials: GoogleCredentialProvider
    /// The environment the setup was read from.
    let environment: [String: String]
    /// The logger handed to the client (debug level with `--verbose`).
    let logger: Logger

    /// A registry client with this setup's configuration, credentials and logger.
    func makeClient() -> RegistryClient {
        RegistryClient(credentials: credentials, configuration: configuration, logger: logger)
    }

    /// Reads the configuration the options and `environment` select.
    ///
    /// - Throws: ``Registry/RegistryError`` naming the registries.conf file (and line) that is unreadable or
    ///   invalid, or ``CLIFailure`` for a malformed `--insecure-registry` value.
    init(options: RegistryOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        Verbosity.bootstrap(verbose: options.verbose)
        var logger = Logger(label: "imagespec")
        logger.logLevel = options.verbose ? .debug : .warning
        self.logger = logger
        self.environment = environment
        let configuration = try Self.loadConfiguration(options: options, environment: environment)
        self.configuration = configuration
        self.credentials = GoogleCredentialProvider(
            environment: environment, inner: DockerConfigCredentials(environment: environment),
            additionalHosts: GoogleCredentialProvider.mappedGoogleHosts(configuration: configuration), logger: logger)
    }

    /// The registries.conf chosen by `--registries-conf` or the environment, plus `--insecure-registry` hosts: those
    /// allow plain HTTP (or unverified TLS) wherever they appear — as the registry of a reference, a rewritten
    /// `location` or a mirror — overriding the file's `insecure` setting for them.
    static func loadConfiguration(
        options: RegistryOptions, environment: [String: String]
    ) throws -> RegistriesConfiguration {
        let hosts = try options.insecureRegistries.map(validatedInsecureHost)
        let base: RegistriesConfiguration
        if let path = options.registriesConf {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIFailure("--registries-conf \(path): no such file — pass an existing registries.conf")
            }
            base = try RegistriesConfiguration(contentsOf: path)
        } else {
            base = try RegistriesConfiguration.load(environment: environment)
        }
        return base.addingInsecureHosts(hosts)
    }

    /// `host[:port]` lowercased, or a failure naming the bad `--insecure-registry` value.
    static func validatedInsecureHost(_ value: String) throws -> String {
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
            throw CLIFailure(
                "--insecure-registry \"\(value)\" \(problem) — write host or host:port, e.g. registry.local:5000")
        }
        return trimmed.lowercased()
    }
}

extension RegistrySetup {
    /// The Artifact Registry API root: gcloud's `CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY`, else Google's.
    var artifactRegistryAPIBaseURL: String {
        ArtifactRegistryAPI.baseURL(environment: environment)
    }

    /// The build's push-access check: for Artifact Registry destinations the GAR-aware one (one-line explanation,
    /// optional repository creation); for other registries the plain upload probe.
    func buildPreflight(createRepository: Bool) -> BuildPreflight {
        let preflight = ArtifactRegistryPreflight(
            credentials: credentials, apiBaseURL: artifactRegistryAPIBaseURL, createRepository: createRepository,
            repositoryDescription: "Images built by imagespec", logger: logger)
        return { reference, client in
            do {
                try await preflight.check(reference, client: client)
            } catch let error as GoogleCloudError {
                throw BuildError(.registry, error.message)
            }
        }
    }

    /// The GAR-aware explanation for commands without `--create-repository` (`exists`, `copy`): it names
    /// `imagespec gar create-repository` as the fix for a missing repository and never creates one.
    var artifactRegistryExplainer: ArtifactRegistryPreflight {
        ArtifactRegistryPreflight(
            credentials: credentials, apiBaseURL: artifactRegistryAPIBaseURL, offersCreateFlag: false, logger: logger)
    }

    /// `error` as one Artifact Registry line when `reference` is a GAR path and the registry's answer is one of
    /// GAR's (missing repository, denied, unauthenticated); otherwise `error` unchanged.
    func explained(
        _ error: any Error, reference: Reference, access: ArtifactRegistryPreflight.Access, client: RegistryClient
    ) async -> any Error {
        guard let registryError = error as? RegistryError,
            let line = await artifactRegistryExplainer.explain(
                registryError, reference: reference, access: access, client: client)
        else { return error }
        return line
    }

    /// The host a Google registry name is contacted at (registries.conf may send it elsewhere, e.g. a mirror).
    func endpointHost(forGoogleHost host: String) -> String {
        guard let probe = try? Reference("\(host)/imagespec/probe/image:latest"),
            let resolved = try? configuration.resolve(probe)
        else { return host }
        return resolved.primary.host
    }
}
