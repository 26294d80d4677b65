import ArgumentParser
import Foundation
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
            let client = try RegistrySetup(options: registry).makeClient()
            let descriptor = try await client.headManifest(reference)
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
