import ArgumentParser
import Foundation
import GoogleCloud
import Registry

/// `imagespec auth whoami HOST`: which source answers for a registry host (never the secret).
struct AuthWhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show which credential source answers for a registry host (the secret is never shown).",
        discussion: """
            For Google hosts (LOCATION-docker.pkg.dev, docker.LOCATION.rep.pkg.dev, gcr.io) the order is: the docker \
            config (credHelpers such as docker-credential-gcloud from `gcloud auth configure-docker HOST`, or a \
            stored login), then Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's \
            application_default_credentials.json, the GCE/GKE metadata server (GCE_METADATA_HOST). Other hosts use \
            the docker config only. The credential is actually obtained (a token is fetched), so a broken source \
            fails here with the reason.
            """)

    /// The host (or an image reference on it).
    @Argument(
        help: ArgumentHelp(
            "Registry host, e.g. us-east1-docker.pkg.dev (an image path works too).",
            valueName: "host"))
    var host: String

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    /// The JSON report.
    struct Report: Encodable {
        let host: String
        let endpoint: String
        let google: Bool
        let source: String
    }

    func run() async throws {
        try await CommandRunner.run {
            var name = host.trimmingCharacters(in: .whitespaces)
            if let scheme = name.range(of: "://") { name = String(name[scheme.upperBound...]) }
            name = String(name.split(separator: "/").first ?? "").lowercased()
            guard !name.isEmpty else {
                throw CLIFailure("auth whoami: \"\(host)\" is not a registry host — e.g. us-east1-docker.pkg.dev")
            }
            if ArtifactRegistryHost.isGoogleHost(name) {
                _ = try ArtifactRegistryHost(name)  // a zone instead of a region is reported here
            }
            let setup = try registry.makeSetup()
            let endpoint = setup.endpointHost(forGoogleHost: name)
            let source = try await setup.credentials.whoami(host: endpoint)
            let google = setup.credentials.isGoogle(endpoint)
            if output.json {
                try Console.printJSON(
                    Report(host: name, endpoint: endpoint, google: google, source: source.description))
                return
            }
            let via = endpoint == name ? "" : " (contacted at \(endpoint) per registries.conf)"
            Console.printLine("\(name)\(via): \(source)")
        }
    }
}
