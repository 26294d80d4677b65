import ArgumentParser
import Destinations
import GoogleCloud
import OCI
import Registry

/// `imagespec copy SRC DST [--all-platforms | --platform os/arch]`.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an image (or a whole multi-platform index) from one repository or registry to another.",
        discussion: """
            Blobs the destination already has are skipped; on the same registry host they are mounted from the \
            source repository; the others are streamed through a temporary file (digest verified), 4 at a time. \
            Child manifests are pushed by digest and the destination tag is written last, so a failure never \
            leaves the tag on an incomplete image. Manifest bytes (and so digests) are preserved.

            Without --platform, an index is copied whole (the same as --all-platforms).

            The destination may also be local: oci:DIR[:TAG] writes (or extends) an OCI image layout, \
            docker-archive:FILE[:NAME] a tarball for docker/podman load (one platform: pass --platform for an index).

            To Google Artifact Registry, the destination repository is checked first (upload probe); a missing \
            repository, a denied push or pull, or missing credentials on either side is one line naming project, \
            location and repository and the fix.
            """)

    /// The source reference.
    @Argument(help: ArgumentHelp("Source image reference.", valueName: "src"))
    var source: String

    /// The destination reference.
    @Argument(
        help: ArgumentHelp(
            "Destination: an image reference (its tag is written last), oci:DIR[:TAG] or docker-archive:FILE[:NAME].",
            valueName: "dst"))
    var destination: String

    /// Copy the index and every child.
    @Flag(name: .customLong("all-platforms"), help: "Copy the index and every image it lists (the default).")
    var allPlatforms = false

    /// Copy one platform.
    @Option(
        help: ArgumentHelp(
            "Copy only this platform's image (os/arch[/variant]); it becomes the destination's manifest.",
            valueName: "os/arch"))
    var platform: String?

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CommandRunner.run {
            if allPlatforms && platform != nil {
                throw CLIFailure("--all-platforms and --platform cannot be combined — choose one")
            }
            let source = try Reference(self.source)
            let destination: ImageDestination
            do throws(RegistryError) {
                destination = try ImageDestination(parsing: self.destination)
            } catch {
                throw CLIFailure("destination \(error.message)")
            }
            let selection: PlatformSelection =
                try platform.map { (text) throws(OCIError) in
                    .platform(try Platform(text))
                } ?? .all
            // Malformed Artifact Registry paths are refused before any request, with the right shape.
            _ = try ArtifactRegistryPath(source)
            let garDestination = try destination.reference.flatMap { try ArtifactRegistryPath($0) } != nil
            let setup = try registry.makeSetup()
            let client = setup.makeClient()
            if garDestination, let reference = destination.reference {
                // Before any blob moves: the repository exists and accepts our push (else one line with the fix).
                try await setup.artifactRegistryExplainer.check(reference, client: client)
            }
            let copier = ImageCopier(client: client, logger: setup.logger)
            let sink = try destination.sink(client: client)
            let streamsToStandardOutput = (sink as? DockerArchiveSink)?.target.isStandardOutput ?? false
            if streamsToStandardOutput && output.json {
                throw CLIFailure(
                    "--json prints to standard output, which \(self.destination) writes the archive to — drop --json "
                        + "or write the archive to a file")
            }
            let report: CopyReport
            do {
                report = try await copier.copy(from: source, to: sink, platforms: selection)
            } catch let error as RegistryError {
                (sink as? DockerArchiveSink)?.discard()
                guard let reference = destination.reference else {
                    if case .dockerArchive = destination, error.side == .destination, platform == nil {
                        throw CLIFailure("\(error.description) with --platform")
                    }
                    throw error
                }
                throw await setup.explainedCopyFailure(
                    error, source: source, destination: reference, client: client)
            }
            if output.json {
                try Console.printJSON(CopyOutput(report))
            } else if streamsToStandardOutput {
                Console.printDiagnostic(CopyOutput.text(report))  // standard output carries the archive
            } else {
                Console.printLine(CopyOutput.text(report))
            }
        }
    }
}
