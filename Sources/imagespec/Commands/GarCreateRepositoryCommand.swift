import ArgumentParser
import Foundation
import GoogleCloud
import Registry

/// `imagespec gar create-repository HOST/PROJECT/REPOSITORY`: creates a standard Docker repository through the
/// Artifact Registry API.
struct GarCreateRepositoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-repository",
        abstract: "Create an Artifact Registry Docker repository (like `gcloud artifacts repositories create`).",
        discussion: """
            The path is LOCATION-docker.pkg.dev/PROJECT/REPOSITORY (an image path below it works too). The \
            repository is created in LOCATION as a standard Docker repository through the Artifact Registry API \
            (CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY overrides the endpoint), with a token from Application \
            Default Credentials or, when only `gcloud auth configure-docker` is set up, from docker-credential-gcloud. \
            An existing repository is not an error. Creating needs roles/artifactregistry.repoAdmin (or admin).
            """)

    /// The repository path.
    @Argument(help: ArgumentHelp("LOCATION-docker.pkg.dev/PROJECT/REPOSITORY.", valueName: "path"))
    var path: String

    /// The repository description.
    @Option(name: .long, help: ArgumentHelp("Description of the new repository.", valueName: "text"))
    var description: String?

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    /// The JSON report.
    struct Report: Encodable {
        let repository: String
        let path: String
        let created: Bool
    }

    func run() async throws {
        try await CommandRunner.run {
            let parsed = try ArtifactRegistryPath(parsing: path, requireImage: false)
            let setup = try registry.makeSetup()
            let hosts = [parsed.host.name, setup.endpointHost(forGoogleHost: parsed.host.name)]
            let credentials = setup.credentials
            let api = ArtifactRegistryAPI(
                baseURL: setup.artifactRegistryAPIBaseURL,
                accessToken: { () async throws(GoogleCloudError) -> String in
                    try await credentials.apiAccessToken(hosts: hosts)
                }, logger: setup.logger)
            let outcome = try await api.createRepository(parsed, description: description)
            if output.json {
                try Console.printJSON(
                    Report(
                        repository: parsed.repositoryResourceName, path: parsed.repositoryPath,
                        created: outcome == .created))
                return
            }
            let what = outcome == .created ? "created" : "already exists"
            Console.printLine("\(parsed.repositoryPath): \(what) (\(parsed.repositoryResourceName))")
        }
    }
}
