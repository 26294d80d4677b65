import ArgumentParser

/// `imagespec auth …`: what credentials imagespec uses.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Show which credentials imagespec uses for a registry.",
        subcommands: [AuthWhoamiCommand.self])
}
