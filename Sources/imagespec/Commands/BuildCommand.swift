import ArgumentParser
import Builder
import Foundation
import GoogleCloud
import Layers
import OCI
import Spec

/// `imagespec build SPEC.yaml`: builds the spec's image without a container engine and pushes or writes it.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an ImageSpec image without Docker and push it (or write it locally).",
        discussion: """
            The image name is computed exactly as flytekit computes it. When the spec has a registry and the image \
            already exists there, nothing is built (one manifest HEAD) unless --force is given. Python packages are \
            installed with uv for the image's platform into /opt/imagespec/site-packages (on PYTHONPATH, with /root), \
            one layer per large distribution and a few groups of small ones; source_root and copy files go to /root.

            Destinations: the spec's registry (default), --output oci:DIR (OCI image layout), \
            --output docker-archive:FILE (for docker/podman load), or --output docker://REF. Without a registry the \
            default is an OCI layout in ./<name>.oci.

            Progress goes to standard error: steps, plus a line per layer and per blob with its size when it is a \
            terminal; --quiet or --json print none. FLYTE_FORCE_PUSH_IMAGE_SPEC (flytekit's true/false rule: anything \
            but false, 0, off, no) acts as --force.
            """)

    /// The spec file (nil with `--flytekit-json`).
    @Argument(help: ArgumentHelp("The ImageSpec file (.yaml, .yml or .json).", valueName: "spec"))
    var spec: String?

    /// The flytekit plugin's document instead of a spec file.
    @Option(
        name: .customLong("flytekit-json"),
        help: ArgumentHelp(
            "Build from the flytekit plugin's JSON document (FILE, or - for standard input) instead of a spec file; "
                + "the image name must equal flytekit's.", valueName: "file"))
    var flytekitJSON: String?

    /// Where the image goes instead of the spec's registry.
    @Option(name: .long, help: ArgumentHelp("oci:DIR, docker-archive:FILE or docker://REF.", valueName: "dest"))
    var output: String?

    /// Build even when the image exists.
    @Flag(
        name: .long,
        help: "Build and push even if the image already exists (also FLYTE_FORCE_PUSH_IMAGE_SPEC, as in flytekit).")
    var force = false

    /// Print nothing but errors and the final reference.
    @Flag(name: .long, help: "Print only the final image reference (and errors).")
    var quiet = false

    /// The flytekit version to add.
    @Option(
        name: .customLong("flytekit-version"),
        help: ArgumentHelp(
            "Add flytekit==VERSION (default: flytekit, any version) unless the spec names flytekit "
                + "or union.", valueName: "version"))
    var flytekitVersion: String?

    /// Do not add flytekit at all.
    @Flag(
        name: .customLong("no-flytekit"),
        help: "Do not add flytekit (the image then cannot run Flyte tasks; for plain Python images).")
    var noFlytekit = false

    /// Layer compression.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Layer compression: gzip (default), zstd, optionally :LEVEL.",
            valueName: "kind"))
    var compression: String = "gzip"

    /// Create a missing Artifact Registry repository before pushing.
    @Flag(
        name: .customLong("create-repository"),
        help: "Create the Artifact Registry repository (Docker, standard) when it does not exist yet.")
    var createRepository = false

    /// The layer cache.
    @Option(
        name: .customLong("cache-dir"),
        help: ArgumentHelp(
            "Layer cache directory (default: $XDG_CACHE_HOME/imagespec or ~/.cache/imagespec).", valueName: "dir"))
    var cacheDirectory: String?

    /// The time limit of one step run in the image.
    @Option(
        name: .customLong("step-timeout"),
        help: ArgumentHelp(
            "Stop a step run in the image (apt_packages, commands) after this many seconds (default: no limit).",
            valueName: "seconds"))
    var stepTimeout: Double?

    /// Follow symlinks that lead outside the project.
    @Flag(
        name: .customLong("follow-external-symlinks"),
        help: ArgumentHelp(
            "Put what a copy entry or source_root file symlinked outside the project points at into the image "
                + "(refused by default)."))
    var followExternalSymlinks = false

    @OptionGroup var specOptions: NameSpecOptions
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() async throws {
        try await CommandRunner.runStoppingOnSignals {
            let document = try FlytekitJSONInput.load(flytekitJSON, spec: spec)
            let specPath = spec ?? ""
            let loaded =
                try document?.loaded
                ?? SpecLoader.load(
                    path: specPath, format: try specOptions.specFormat(),
                    context: try specOptions.context(forSpecAt: specPath))
            let environment = ProcessInfo.processInfo.environment
            let flytekit = document?.document
            let verbose = !quiet && !outputOptions.json
            var options = try BuildOptions(
                flytekit: BuildRules.flytekit(add: !noFlytekit, version: flytekitVersion, document: flytekit),
                compression: try LayerCompression(parsing: compression), cacheRoot: cacheDirectory,
                environment: environment,
                localPythonVersion: await BuildRules.localPythonVersion(for: loaded, document: flytekit),
                progress: verbose ? BuildProgressPrinter().progress : nil)
            if let stepTimeout {
                guard stepTimeout > 0, stepTimeout.isFinite else {
                    throw CLIFailure("--step-timeout \(stepTimeout): give a positive number of seconds")
                }
                options.stepTimeout = .milliseconds(Int64(stepTimeout * 1000))
            }
            options.followExternalSymlinks = followExternalSymlinks
            // uv next to imagespec first: a wheel install puts both in the venv's bin, which need not be on PATH.
            options.uvSearchDirectories = PythonInstaller.runningExecutableDirectory().map { [$0] } ?? []
            let force = BuildRules.forcePush(requested: self.force, environment: environment, document: flytekit)
            var plan = try BuildPlan(loaded, options: options)
            if let flytekit { try plan.apply(flytekit) }
            let destination: BuildDestination
            var hint: String?
            if let output {
                do throws(BuildError) {
                    destination = try BuildDestination(parsing: output, plan: plan)
                } catch {
                    throw CLIFailure("--output \(error.message)")
                }
            } else {
                (destination, hint) = BuildRules.defaultDestination(for: plan, spec: loaded)
            }
            let streamsToStandardOutput = destination.writesToStandardOutput
            if streamsToStandardOutput && outputOptions.json {
                throw CLIFailure(
                    "--json prints to standard output, which --output \(output ?? "") writes the archive to — drop "
                        + "--json or write the archive to a file")
            }
            if verbose {
                Console.printDiagnostic(
                    "building \(plan.imageName) on \(plan.baseImage) for "
                        + plan.platforms.map(\.description).joined(separator: ","))
            }
            let setup = try registry.makeSetup()
            let client = setup.makeClient()
            options.preflight = setup.pushPreflight(createRepository: createRepository)
            let report = try await ImageBuilder(client: client, options: options).run(
                plan, destination: destination, force: force)
            if outputOptions.json {
                try Console.printJSON(report)
                return
            }
            let pinned = report.digest.map { "\(report.image)@\($0)" } ?? report.image
            if report.skipped {
                if verbose {
                    Console.printDiagnostic("\(report.image) already exists; nothing built (use --force to rebuild)")
                }
                Console.printLine(pinned)
                return
            }
            if verbose {
                for platform in report.platforms {
                    let new = platform.layers.filter { $0.kind != "base" }
                    Console.printDiagnostic(
                        "\(platform.platform): Python \(platform.python), \(new.count) new layer(s), "
                            + "\(new.filter(\.pushed).count) uploaded, \(platform.bytesPushed) bytes pushed")
                }
                if let hint { Console.printDiagnostic(hint) }
            }
            let summary = destination.isRegistry ? pinned : "\(destination) \(report.digest ?? "")"
            if streamsToStandardOutput {
                Console.printDiagnostic(summary)  // standard output carries the archive
            } else {
                Console.printLine(summary)
            }
        }
    }
}

extension BuildDestination {
    /// Whether the image goes to a registry.
    var isRegistry: Bool {
        if case .registry = self { return true }
        return false
    }
}
