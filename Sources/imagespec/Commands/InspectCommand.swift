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
            let client = try registry.makeSetup().makeClient()
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

    /// Resolves the manifest (the selected platform's image with `platform`, ``Registry/RegistryClient/resolve(_:platform:)``)
    /// and, unless only the raw bytes are wanted, its config (``Registry/RegistryClient/imageConfig(of:in:)``).
    static func inspect(
        _ reference: Reference, platform: Platform?, raw: Bool, client: RegistryClient
    ) async throws -> Outcome {
        let shown: Raw<Manifest>
        let manifest: ImageManifest
        let parent: Raw<Manifest>?
        if let platform {
            let resolved: PlatformManifest
            do throws(RegistryError) {
                resolved = try await client.resolve(reference, platform: platform)
            } catch {
                guard error.kind == .notFound else { throw error }
                throw CLIFailure("\(error.description) with --platform")
            }
            (shown, manifest, parent) = (resolved.raw, resolved.manifest, resolved.index)
        } else {
            let top = try await client.getManifest(reference)
            switch top.value {
            case .index(let index):
                if raw { return .raw(top.bytes) }
                return .report(InspectReport(reference: reference, index: top, entries: index.manifests))
            case .image(let image):
                (shown, manifest, parent) = (top, image, nil)
            }
        }
        if raw && (platform == nil || parent != nil) {
            return .raw(shown.bytes)
        }
        var config: (descriptor: Descriptor, value: ImageConfig)? = nil
        if MediaType.isConfig(manifest.config.mediaType) {
            config = (manifest.config, try await client.imageConfig(of: manifest, in: reference))
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
