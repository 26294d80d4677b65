import ArgumentParser
import Spec

/// `imagespec name SPEC`: prints the image name flytekit gives the spec.
struct NameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "name",
        abstract: "Print the image name flytekit computes for an ImageSpec file (.yaml, .yml or .json).",
        discussion: """
            The name is byte-for-byte flytekit 1.16's ImageSpec(...).image_name(): registry/name:tag, where the tag \
            hashes the spec's fields, the requirements file, the copy entries and the source_root files.

            Relative paths in the spec (requirements, copy, source_root) are resolved against the spec file's \
            directory. flytekit resolves them against the directory pyflyte runs in; use --cwd DIR to do the same.

            YAML files are read as flytekit reads them (yaml.safe_load): values keep their YAML types, so \
            python_version: 3.10 is the number 3.1 (a warning says so; quote it). JSON files use the flytekit \
            plugin's convention: source_copy_mode by member name ("ALL"), pip_secret_mounts as [source, target] \
            lists, a nested base spec as "base_image": {"image_spec": {...}}.

            Exit status: 0 with the name on standard output; 2 with one line on standard error naming the file, \
            line, field and fix.
            """)

    /// The spec file.
    @Argument(help: ArgumentHelp("ImageSpec file (.yaml, .yml or .json).", valueName: "spec"))
    var spec: String

    @OptionGroup var specOptions: NameSpecOptions
    @OptionGroup var output: OutputOptions

    /// Prints the hash inputs and digests too.
    @Flag(name: .long, help: "Also print the exact hashed text and the file digests behind the tag.")
    var explain = false

    func run() async throws {
        try await CommandRunner.run {
            let context = try specOptions.context(forSpecAt: spec)
            let loaded = try SpecLoader.load(path: spec, format: try specOptions.specFormat(), context: context)
            let naming = try loaded.naming()
            if output.json {
                try Console.printJSON(NameReport(naming: naming, warnings: loaded.warnings, explain: explain))
                return
            }
            for warning in loaded.warnings {
                Console.printDiagnostic(warning.description)
            }
            Console.printLine(naming.imageName)
            if explain {
                Self.printExplanation(naming)
            }
        }
    }

    private static func printExplanation(_ naming: ImageNaming) {
        Console.printLine("tag: \(naming.tag)")
        Console.printLine("id: \(naming.id)")
        Console.printLine("tag hash input: \(naming.tagHashInput)")
        Console.printLine("tag md5 (base64url): \(naming.tagDigest)")
        Console.printLine("id hash input: \(naming.idHashInput)")
        if let sha1 = naming.requirementsSHA1 {
            Console.printLine("requirements sha1: \(sha1)")
        }
        if let copy = naming.copyDigest {
            Console.printLine("copy md5: \(copy)")
        }
        if let root = naming.sourceRootDigest {
            Console.printLine("source_root md5: \(root) (\(naming.sourceFiles?.count ?? 0) files)")
        }
        if let base = naming.baseImageName {
            Console.printLine("base image: \(base)")
        }
    }
}
