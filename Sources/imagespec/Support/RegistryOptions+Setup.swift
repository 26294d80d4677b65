import Foundation
import GoogleCloud
import Logging
import Registry

extension RegistryOptions {
    /// The library's ``GoogleCloud/RegistrySetup`` for these options (debug logging with `--verbose`); its input
    /// problems are reported with the option that caused them.
    func makeSetup(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RegistrySetup {
        Verbosity.bootstrap(verbose: verbose)
        var logger = Logger(label: "imagespec")
        logger.logLevel = verbose ? .debug : .warning
        let idle = try Self.seconds(
            option: "--registry-idle-timeout", idleTimeout, variable: "IMAGESPEC_REGISTRY_IDLE_TIMEOUT",
            environment: environment)
        let budget = try Self.seconds(
            option: "--registry-retry-budget", retryBudget, variable: "IMAGESPEC_REGISTRY_RETRY_BUDGET",
            environment: environment)
        var timeouts = RegistryTimeouts.default
        if let idle { timeouts.idle = idle }
        var retryPolicy = RetryPolicy.default
        if let budget { retryPolicy.budget = budget }
        // Every verb reads the docker config the same way: a corrupt one is an error naming it, even when the
        // registry asks for no credentials.
        try DockerConfigCredentials(environment: environment).checkConfiguration()
        do {
            return try RegistrySetup(
                registriesConf: registriesConf, insecureRegistries: insecureRegistries, environment: environment,
                logger: logger, retryPolicy: retryPolicy, timeouts: timeouts)
        } catch let problem as RegistrySetup.Problem {
            switch problem {
            case .missingRegistriesConf(let path):
                throw CLIFailure("--registries-conf \(path): no such file — pass an existing registries.conf")
            case .invalidInsecureHost:
                throw CLIFailure("--insecure-registry: \(problem)")
            }
        }
    }

    /// The duration an option or, without it, an environment variable gives (seconds, fractions allowed); nil when
    /// neither is set.
    static func seconds(
        option: String, _ value: String?, variable: String, environment: [String: String]
    ) throws -> Duration? {
        let source: String
        let text: String
        if let value {
            (source, text) = ("\(option) \(value)", value)
        } else if let value = environment[variable], !value.isEmpty {
            (source, text) = ("\(variable)=\(value)", value)
        } else {
            return nil
        }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0,
            seconds <= 86_400
        else {
            throw CLIFailure("\(source): not a number of seconds from 0 to 86400 — pass e.g. 30 or 2.5")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
