import ArgumentParser
import Foundation

/// The `imagespec` command: builds Flyte/Union ImageSpec images without a Docker daemon.
///
/// Every verb lives in `Commands/` as its own type; this file only lists them.
@main
struct Imagespec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagespec",
        abstract: "Daemonless container image builder for Flyte/Union ImageSpecs.",
        discussion: """
            Computes the same image names flytekit does, checks registries without guessing, and talks to any \
            OCI registry without Docker.
            """,
        version: BuildVersion.description,
        subcommands: [
            // Each engineer adds its command here (one line each).
            InspectCommand.self,
            ExistsCommand.self,
            CopyCommand.self,
            NameCommand.self,
            ValidateCommand.self,
            BuildCommand.self,
            AuthCommand.self,
            GarCommand.self,
        ]
    )

    /// Runs the CLI. Usage mistakes (unknown option, missing argument) follow the same contract as every other
    /// failure: one line on standard error and exit status 2; `--help` and `--version` behave as usual.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if error is ExitCode || exitCode(for: error) == .success {
                exit(withError: error)
            }
            let text =
                message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { !$0.isEmpty } ?? "invalid arguments"
            let line = text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
            FileHandle.standardError.write(Data("error: \(line) (see 'imagespec --help')\n".utf8))
            Foundation.exit(2)
        }
    }
}
