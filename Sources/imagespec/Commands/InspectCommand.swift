import ArgumentParser
import Foundation
import OCI
import Registry

/// `imagespec inspect REF [--platform os/arch] [--raw]`: what a reference resolves to.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what an image reference resolves to: digest, media type, platforms or layers and config.",
        discussion: """
            For an index (multi-platform image) the platforms are listed; --platform selects one and shows that \
            image. For an image: its layers and a config summary (os/arch, Env, Entrypoint, Cmd, WorkingDir, \
            User, Labels, number of history entries). --raw prints the exact manifest bytes instead.
            """)

    /// The reference.
    @Argument(help: ArgumentHelp("Image reference (registry/repository[:tag][@digest]).", valueName: "ref"))
    var reference: String

    /// The platform to select from an index.
    @Option(help: ArgumentHelp("Select this platform from an index (os/arch[/variant]).", valueName: "os/arch"))
    var platform: String?

    /// Print the manifest bytes.
    @Flag(help: "Print the exact manifest bytes (of the selected platform's manifest with --platform).")
    var raw = false

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CommandRunner.run {
            if raw && output.json {
                throw CLIFailure("--raw and --json cannot be combined — --raw prints the manifest bytes themselves")
            }
            let reference = try Reference(self.reference)
            let wanted = try platform.map { (text) throws(OCIError) in try Platform(text) }
            let client = try RegistrySetup(options: registry).makeClient()
            switch try await Self.inspect(reference, platform: wanted, raw: raw, client: client) {
            case .raw(let bytes):
                Console.writeBytes(bytes)
            case .report(let report) where output.json:
                try Console.printJSON(report)
            case .report(let report):
                Console.printLine(report.textLines.joined(separator: "\n"))
            }
        }
    }

    /// What `inspect` prints.
    enum Outcome {
        /// The exact manifest bytes (`--raw`).
        case raw(Data)
        /// The summary.
        case report(InspectReport)
    }

    /// Fetches the manifest (the selected child with `platform`) and, unless only the raw bytes are wanted, the
    /// config, and builds the outcome.
    static func inspect(
        _ reference: Reference, platform: Platform?, raw: Bool, client: RegistryClient
    ) async throws -> Outcome {
        let top = try await client.getManifest(reference)
        var shown = top
        var parent: Raw<Manifest>? = nil
        if case .index(let index) = top.value {
            guard let platform else {
                if raw { return .raw(top.bytes) }
                return .report(InspectReport(reference: reference, index: top, entries: index.manifests))
            }
            guard let entry = index.manifest(for: platform) else {
                let offered = index.platforms.map(\.description).joined(separator: ", ")
                throw CLIFailure(
                    "\(reference) has no image for \(platform) (it has: \(offered.isEmpty ? "none" : offered)) — "
                        + "pick one of those with --platform")
            }
            shown = try await client.getManifest(reference.pinned(to: entry.digest))
            parent = top
        }
        guard case .image(let manifest) = shown.value else {
            if raw { return .raw(shown.bytes) }
            throw CLIFailure(
                "\(reference): the \(platform?.description ?? "selected") entry \(shown.digest) is itself an index — "
                    + "inspect it by digest")
        }
        if raw && (platform == nil || parent != nil) {
            return .raw(shown.bytes)
        }
        var config: (descriptor: Descriptor, value: ImageConfig)? = nil
        if MediaType.isConfig(manifest.config.mediaType) {
            let bytes = try await client.getBlob(manifest.config.digest, from: reference)
            do {
                config = (manifest.config, try JSONDecoder().decode(ImageConfig.self, from: bytes))
            } catch {
                throw CLIFailure(
                    "\(reference): config blob \(manifest.config.digest) is not a valid image configuration "
                        + "(\(error))")
            }
        }
        if let platform, parent == nil, let config, !config.value.platform.matches(platform) {
            throw CLIFailure(
                "\(reference) is a single-platform image for \(config.value.platform), not \(platform) — "
                    + "drop --platform or pick \(config.value.platform)")
        }
        if raw {
            return .raw(shown.bytes)
        }
        return .report(
            InspectReport(reference: reference, image: shown, manifest: manifest, parent: parent, config: config))
    }
}
