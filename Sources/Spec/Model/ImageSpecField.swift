/// The 29 fields of flytekit 1.16's `ImageSpec` dataclass, in declaration order (the key order of the hash input).
public enum ImageSpecField: String, CaseIterable, Sendable, Hashable, Comparable {
    case name
    case pythonVersion = "python_version"
    case builder
    case sourceRoot = "source_root"
    case env
    case registry
    case packages
    case condaPackages = "conda_packages"
    case condaChannels = "conda_channels"
    case requirements
    case aptPackages = "apt_packages"
    case cuda
    case cudnn
    case baseImage = "base_image"
    case platform
    case pipIndex = "pip_index"
    case pipExtraIndexURL = "pip_extra_index_url"
    case pipSecretMounts = "pip_secret_mounts"
    case pipExtraArgs = "pip_extra_args"
    case registryConfig = "registry_config"
    case entrypoint
    case commands
    case tagFormat = "tag_format"
    case sourceCopyMode = "source_copy_mode"
    case copy
    case pythonExec = "python_exec"
    case runtimePackages = "runtime_packages"
    case builderOptions = "builder_options"
    case builderConfig = "builder_config"

    /// The Python field name (`python_version`), as used in YAML/JSON spec files.
    public var pythonName: String { rawValue }

    /// The field's position in the dataclass (0-based).
    public var index: Int { Self.allCases.firstIndex(of: self)! }

    /// Orders fields by declaration order.
    public static func < (lhs: ImageSpecField, rhs: ImageSpecField) -> Bool {
        lhs.index < rhs.index
    }

    /// Fields left out of both `id` and `tag` (flytekit's `parameters_to_exclude`).
    public static let excludedFromID: Set<ImageSpecField> = [.pipSecretMounts, .builder, .runtimePackages]

    /// Fields flytekit checks to be `None` or a list of `str` (the `parameters_str_list` of `__post_init__`), in the
    /// order it checks them.
    public static let listOfStringFields: [ImageSpecField] = [
        .packages, .condaChannels, .condaPackages, .aptPackages, .pipExtraIndexURL, .entrypoint, .commands,
        .runtimePackages,
    ]

    /// The field whose Python name is `name`, if any.
    public init?(pythonName name: String) {
        self.init(rawValue: name)
    }
}
