import ArgumentParser

/// `imagespec gar …`: Google Artifact Registry helpers.
struct GarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gar",
        abstract: "Google Artifact Registry helpers.",
        subcommands: [GarCreateRepositoryCommand.self])
}
