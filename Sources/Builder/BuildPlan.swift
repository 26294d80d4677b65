import Foundation
import Layers
import OCI
import Spec

/// Everything a build needs, derived from an ``Spec/ImageSpec`` once and checked up front: the image name, the base,
/// the platforms, the Python requirements and installer options, the files for `/root` and the config changes.
///
/// Fields the builder cannot build yet are refused here, naming the field, so nothing is silently ignored.
public struct BuildPlan: Sendable, Hashable {
    /// flytekit's `image_name()` for the spec (`registry/name:tag`, or `name:tag` without a registry).
    public var imageName: String
    /// The image's tag.
    public var tag: String
    /// flytekit's `ImageSpec.id`, written to the image as `_F_IMG_ID`.
    public var specID: String
    /// Where the image is pushed by default: `imageName` parsed, or nil when the spec has no registry.
    public var target: Reference?
    /// The base image reference (the spec's `base_image`, else the Python slim image for the spec's version).
    public var baseImage: String
    /// The platforms to build, in the spec's order.
    public var platforms: [Platform]
    /// Requirement lines for `uv pip install -r`: the requirements file's lines, then `packages`, then flytekit
    /// (empty with a ``lockFile``).
    public var requirements: [String]
    /// The absolute path of a `uv.lock` or `poetry.lock` given as `requirements` (its sibling `pyproject.toml`
    /// exists); flytekit is not added (the lock decides), as in flytekit's default builder.
    /// - `uv.lock`: the installer exports it (`uv export --frozen --no-dev --no-emit-project`, hashes kept) and
    ///   installs exactly that, as flytekit's `uv sync --locked --no-dev --no-install-project` does;
    /// - `poetry.lock`: the installer installs what `poetry install --no-root` would (``PoetryExport``): the
    ///   project's main and non-optional group requirements with every locked version as a constraint.
    public var lockFile: String?
    /// `pip_index` (`--index-url`).
    public var indexURL: String?
    /// `pip_extra_index_url` (`--extra-index-url` each).
    public var extraIndexURLs: [String]
    /// `pip_extra_args`, split like a shell would (quotes honoured).
    public var extraInstallArguments: [String]
    /// `pip_secret_mounts`: host files handed to `uv` during the install only (see ``SecretMount``).
    public var secretMounts: [SecretMount]
    /// The directory `uv` runs in, so relative paths in requirements and extra arguments resolve as in flytekit.
    public var workingDirectory: String
    /// The spec's `env`, in order.
    public var environment: [EnvironmentVariable]
    /// The spec's `python_version` (checked to be a version), which the base image's Python must match; nil when
    /// the spec does not say.
    public var pythonVersion: String?
    /// The spec's `entrypoint`: nil keeps the base's, `[]` clears it.
    public var entrypoint: [String]?
    /// `source_root` and `copy` files placed under `/root`, as flytekit's default builder lays them out.
    public var files: [LayerSourceItem]
    /// `apt_packages`, installed first with `apt-get install -y --no-install-recommends` in the image.
    public var aptPackages: [String]
    /// `commands`, joined with ` && ` and run in the image after the files, as one step.
    public var commands: [String]

    /// Fields a spec may set that this builder cannot build yet.
    public static let unsupportedFields: [ImageSpecField] = [
        .condaPackages, .condaChannels, .cuda, .cudnn, .pythonExec,
    ]

    /// Where Python packages go inside the image. A dedicated directory on `PYTHONPATH` (not the interpreter's own
    /// site-packages) works for every base, whatever its Python calls that directory (`dist-packages` on Debian,
    /// `site-packages` in the official images), and never collides with files of the base.
    public static let sitePackages = "opt/imagespec/site-packages"
    /// Where console scripts go inside the image (prepended to `PATH`).
    public static let scriptsDirectory = "opt/imagespec/bin"

    /// Plans the build of `loaded` (a spec file with its naming context).
    public init(_ loaded: LoadedSpec, options: BuildOptions) throws(BuildError) {
        let naming: ImageNaming
        do {
            naming = try loaded.naming()
        } catch {
            throw BuildError(.invalidSpec, Self.oneLine(error.description))
        }
        try self.init(
            spec: loaded.spec, naming: naming, workingDirectory: loaded.context.workingDirectory,
            options: options)
    }

    /// Plans the build of `spec`, already named (`naming`), with relative paths resolved against `workingDirectory`.
    public init(
        spec: ImageSpec, naming: ImageNaming, workingDirectory: String, options: BuildOptions
    ) throws(BuildError) {
        for field in Self.unsupportedFields where spec.setFields.contains(field) {
            throw BuildError(
                .unsupportedField,
                "\(field.pythonName) is not supported yet by imagespec build — remove it from the spec, or build this "
                    + "image with flytekit's default (Docker) builder")
        }
        imageName = naming.imageName
        tag = naming.tag
        specID = spec.id
        self.workingDirectory = workingDirectory
        if let registry = spec.registry, !registry.isEmpty {
            do {
                target = try Reference(naming.imageName)
            } catch {
                throw BuildError(.invalidSpec, "image name \(naming.imageName) is not a valid reference: \(error)")
            }
        } else {
            target = nil
        }
        baseImage = try Self.baseImage(spec: spec, naming: naming, options: options)
        platforms = try Self.platforms(spec.platform)
        lockFile = try Self.lockFile(spec: spec, workingDirectory: workingDirectory)
        requirements =
            lockFile == nil
            ? try Self.requirements(spec: spec, workingDirectory: workingDirectory, options: options) : []
        indexURL = spec.pipIndex.flatMap { $0.isEmpty ? nil : $0 }
        extraIndexURLs = spec.pipExtraIndexURL ?? []
        extraInstallArguments = try PipExtraArguments.check(
            try ShellWords.split(spec.pipExtraArgs ?? "", what: "pip_extra_args"), workingDirectory: workingDirectory)
        secretMounts = try SecretMount.plan(spec.pipSecretMounts ?? [], workingDirectory: workingDirectory)
        environment = try Self.environment(spec)
        pythonVersion = try Self.pythonVersion(spec)
        entrypoint = spec.entrypoint
        files = try Self.files(
            spec: spec, naming: naming, workingDirectory: workingDirectory,
            followExternalSymlinks: options.followExternalSymlinks)
        aptPackages = try Self.aptPackages(spec.aptPackages ?? [])
        commands = try Self.commands(spec.commands ?? [])
    }

    // MARK: - Pieces

    static func baseImage(spec: ImageSpec, naming: ImageNaming, options: BuildOptions) throws(BuildError) -> String {
        switch spec.baseImage {
        case .reference(let reference)?:
            return reference
        case .spec?:
            guard let name = naming.baseImageName else {
                throw BuildError(.invalidSpec, "base_image: the nested spec has no image name")
            }
            return name
        case nil:
            guard let version = spec.pythonVersion ?? options.localPythonVersion, !version.isEmpty else {
                throw BuildError(
                    .invalidSpec,
                    "no base_image and no python_version, and the local python3 version is unknown — set "
                        + "python_version (e.g. \"3.11\") or base_image")
            }
            return "docker.io/library/python:\(version)-slim"
        }
    }

    static func platforms(_ text: String?) throws(BuildError) -> [Platform] {
        let items = (text ?? "linux/amd64").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        var result: [Platform] = []
        for item in items {
            let platform: Platform
            do {
                platform = try Platform(item).normalized
            } catch {
                throw BuildError(.invalidSpec, "platform \"\(item)\": \(error) — use linux/amd64 and/or linux/arm64")
            }
            guard PythonTarget.wheelPlatform(for: platform) != nil else {
                throw BuildError(
                    .invalidSpec,
                    "platform \"\(item)\" is not supported yet (no manylinux wheel tag) — use linux/amd64 and/or "
                        + "linux/arm64")
            }
            if !result.contains(platform) { result.append(platform) }
        }
        guard !result.isEmpty else {
            throw BuildError(.invalidSpec, "platform is empty — use e.g. linux/amd64 or linux/amd64,linux/arm64")
        }
        return result
    }

    /// The `uv.lock` or `poetry.lock` of the spec, checked; nil for other requirements files.
    static func lockFile(spec: ImageSpec, workingDirectory: String) throws(BuildError) -> String? {
        guard let file = spec.requirements, !file.isEmpty else { return nil }
        let base = (file as NSString).lastPathComponent
        let path = file.hasPrefix("/") ? file : (workingDirectory as NSString).appendingPathComponent(file)
        switch base {
        case "uv.lock", "poetry.lock":
            let project = ((path as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent("pyproject.toml")
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw BuildError(.invalidSpec, "requirements: cannot read \(path) — fix the path or its permissions")
            }
            guard FileManager.default.isReadableFile(atPath: project) else {
                throw BuildError(
                    .invalidSpec,
                    "requirements: \(path) needs its pyproject.toml next to it (\(project) is missing) — keep both "
                        + "files together, as flytekit does")
            }
            if let packages = spec.packages, !packages.isEmpty {
                throw BuildError(
                    .invalidSpec,
                    "packages cannot be combined with a \(base) requirements file — add them to \(project) and "
                        + "run \(base == "uv.lock" ? "uv lock" : "poetry lock")")
            }
            let standardized = (path as NSString).standardizingPath
            if base == "poetry.lock" {
                _ = try PoetryExport(lockPath: standardized)  // read both files now: errors before any build work
            }
            return standardized
        default:
            return nil
        }
    }

    static func requirements(
        spec: ImageSpec, workingDirectory: String, options: BuildOptions
    ) throws(BuildError) -> [String] {
        var lines: [String] = []
        if let file = spec.requirements, !file.isEmpty {
            let path = file.hasPrefix("/") ? file : (workingDirectory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw BuildError(.invalidSpec, "requirements: cannot read \(path) — fix the path or its permissions")
            }
            lines += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        lines += spec.packages ?? []
        if let flytekit = options.flytekit.line,
            !lines.contains(where: { ["flytekit", "union"].contains(requirementName($0)) })
        {
            lines.append(flytekit)
        }
        return lines
    }

    /// The normalised project name a requirement line starts with (`Flytekit[extra]>=1` → `flytekit`).
    static func requirementName(_ line: String) -> String {
        let name = line.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        return name.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: ".", with: "-")
    }

    /// The `source_root` and `copy` files. A symlink is followed (as flytekit's copy into the build context does)
    /// when it stays inside its project (`source_root`, resp. the working directory for `copy`); one that leads out
    /// is refused unless `followExternalSymlinks`.
    static func files(
        spec: ImageSpec, naming: ImageNaming, workingDirectory: String, followExternalSymlinks: Bool = false
    ) throws(BuildError) -> [LayerSourceItem] {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        }
        var items: [LayerSourceItem] = []
        if let root = spec.sourceRoot, let files = naming.sourceFiles {
            let rootPath = resolve(root)
            if let unreadable = naming.unreadableSourceDirectories?.first {
                throw BuildError(
                    .invalidSpec,
                    "source_root: cannot read the directory "
                        + (unreadable.isEmpty ? rootPath : "\(rootPath)/\(unreadable)")
                        + " — its files would be left out "
                        + "of the image; fix its permissions, or ignore it in .dockerignore")
            }
            for file in files {
                if !followExternalSymlinks {
                    try ExternalSymlink.check(file, in: rootPath, what: "source_root file '\(file)'")
                }
                items.append(LayerSourceItem(source: rootPath + "/" + file, destination: "root/" + file))
            }
        }
        for entry in spec.copy ?? [] {
            let components = entry.split(separator: "/").map(String.init)
            if entry.hasPrefix("/") || components.contains("..") {
                throw BuildError(
                    .invalidSpec,
                    "copy entry '\(entry)' must be a relative path inside the project (no leading / or ..) — it is "
                        + "copied to /root/\(entry)")
            }
            let relative = components.filter { $0 != "." }.joined(separator: "/")
            let source = resolve(entry)
            guard FileManager.default.fileExists(atPath: source) else {
                throw BuildError(.invalidSpec, "copy entry '\(entry)' does not exist (looked for \(source))")
            }
            if !followExternalSymlinks {
                try ExternalSymlink.check(relative, in: workingDirectory, what: "copy entry '\(entry)'")
            }
            items.append(LayerSourceItem(source: source, destination: relative.isEmpty ? "root" : "root/" + relative))
        }
        return items
    }

    /// The `apt_packages`, checked: each must be one apt argument (a package name, optionally `=version` or
    /// `/release`), since flytekit joins them with spaces into a shell command.
    static func aptPackages(_ packages: [String]) throws(BuildError) -> [String] {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.:=~/_*")
        for (index, package) in packages.enumerated() {
            let trimmed = package.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.allSatisfy({ allowed.contains($0) }), !trimmed.hasPrefix("-") else {
                throw BuildError(
                    .invalidSpec,
                    "apt_packages[\(index)] \"\(package)\" is not a package name — give one Debian package per item "
                        + "(e.g. git, curl=7.88.1-10+deb12u8); put other shell text in commands")
            }
        }
        return packages.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The `commands`, checked: none may be empty (flytekit would write `&&  &&`, a shell syntax error).
    static func commands(_ commands: [String]) throws(BuildError) -> [String] {
        for (index, command) in commands.enumerated()
        where command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw BuildError(.invalidSpec, "commands[\(index)] is empty — remove it or write the command")
        }
        return commands
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    }
}
