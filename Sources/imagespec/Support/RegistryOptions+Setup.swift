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
        // Every verb reads the docker config the same way: a corrupt one is an error naming it, even when the
        // registry asks for no credentials.
        try DockerConfigCredentials(environment: environment).checkConfiguration()
        do {
            return try RegistrySetup(
                registriesConf: registriesConf, insecureRegistries: insecureRegistries, environment: environment,
                logger: logger)
        } catch let problem as RegistrySetup.Problem {
            switch problem {
            case .missingRegistriesConf(let path):
                throw CLIFailure("--registries-conf \(path): no such file — pass an existing registries.conf")
            case .invalidInsecureHost:
                throw CLIFailure("--insecure-registry: \(problem)")
            }
        }
    }
}
