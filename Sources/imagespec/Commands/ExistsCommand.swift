import ArgumentParser
import Foundation
import GoogleCloud
import OCI
import Registry

/// `imagespec exists REF|SPEC.yaml|SPEC.json`: one manifest HEAD, answered by the exit status.
struct ExistsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exists",
        abstract: "Check whether an image exists in its registry (one manifest HEAD request).",
        discussion: """
            The argument is an image reference, or an ImageSpec file (.yaml, .yml or .json) whose image name is \
            computed exactly as flytekit computes it.

            Exit status: 0 the image exists (its digest-pinned reference is printed); 1 the registry says the tag \
            or digest does not exist (404 / MANIFEST_UNKNOWN); 2 anything else — authentication, network, a \
            missing repository (NAME_UNKNOWN), a bad argument — with the reason on standard error. It never guesses.

            For Google Artifact Registry (LOCATION-docker.pkg.dev, docker.LOCATION.rep.pkg.dev, gcr.io), a missing \
            repository, a denied pull or missing credentials is one line naming project, location and repository \
            and the fix (exit 2).
            """)

    /// The reference or spec file.
    @Argument(help: ArgumentHelp("Image reference, or an ImageSpec file (.yaml/.yml/.json).", valueName: "ref|spec"))
    var target: String

    @OptionGroup var specOptions: NameSpecOptions
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CommandRunner.run {
            let (reference, warnings) = try ExistsTarget.reference(for: target, specOptions: specOptions)
            if registry.verbose {
                warnings.forEach(Console.printDiagnostic)
            }
            // A malformed Artifact Registry path (no repository or image part, a zone as location) is refused
            // before any request, with the right shape.
            _ = try ArtifactRegistryPath(reference)
            let setup = try registry.makeSetup()
            let client = setup.makeClient()
            let descriptor: Descriptor?
            do {
                descriptor = try await client.headManifest(reference)
            } catch {
                // A missing GAR repository is not a missing image: exit 2 with the repository and the fix.
                throw await setup.explained(error, reference: reference, access: .pull, client: client)
            }
            let report = ExistsReport(reference: reference, descriptor: descriptor)
            if output.json {
                try Console.printJSON(report)
            } else if let pinned = report.pinned {
                Console.printLine(pinned)
            } else {
                Console.printDiagnostic("\(reference): not found (the registry answered 404 / MANIFEST_UNKNOWN)")
            }
            if descriptor == nil {
                throw ExitCode(1)
            }
        }
    }
}
