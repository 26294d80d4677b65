/// flytekit 1.16's `ImageSpec`: the 29 fields, their defaults, and the `__post_init__` normalisation and validation.
///
/// Values are held as the Python values flytekit would hold (`PyValue`), because that is what the image tag hashes:
/// a spec read from YAML may carry `python_version: 3.1` (a float) or `env: {A: 1}` (an int), and the name must be
/// byte-identical to flytekit's. Typed accessors (`packages`, `pythonVersion`, …) give the Swift view.
///
/// Every initializer and `with…` helper runs the same checks as flytekit's `__post_init__`, in flytekit's order:
/// lowercase `name`; lowercase and validate a truthy `registry`; default `platform` (`linux/amd64`, or
/// `linux/arm64` for a `localhost:` registry on an ARM64 host); default `source_copy_mode` to `LOADED_MODULES` when
/// `source_root` is set; list-of-strings fields; `pip_secret_mounts` pairs; `builder_options` a dict.
///
/// ```swift
/// let spec = try ImageSpec(name: "wf", registry: "ghcr.io/acme", packages: ["numpy"])
/// let image = try spec.imageName(in: NamingContext(workingDirectory: "/project"))
/// ```
public struct ImageSpec: Sendable, Hashable {
    /// Field values after `__post_init__`, keyed by field; an absent key is Python `None`. Never holds `base_image`.
    var storage: [ImageSpecField: PyValue]
    /// `base_image`, which can hold a nested spec.
    public internal(set) var baseImage: BaseImage?

    /// Creates a spec from typed values, with flytekit's defaults and validation.
    ///
    /// `hostMachine` is what Python's `platform.machine()` would say; it only matters for the `platform` default of
    /// a `localhost:` registry.
    public init(
        name: String = "flytekit",
        pythonVersion: String? = nil,
        builder: String? = nil,
        sourceRoot: String? = nil,
        env: KeyValuePairs<String, String>? = nil,
        registry: String? = nil,
        packages: [String]? = nil,
        condaPackages: [String]? = nil,
        condaChannels: [String]? = nil,
        requirements: String? = nil,
        aptPackages: [String]? = nil,
        cuda: String? = nil,
        cudnn: String? = nil,
        baseImage: BaseImage? = nil,
        platform: String? = nil,
        pipIndex: String? = nil,
        pipExtraIndexURL: [String]? = nil,
        pipSecretMounts: [PipSecretMount]? = nil,
        pipExtraArgs: String? = nil,
        registryConfig: String? = nil,
        entrypoint: [String]? = nil,
        commands: [String]? = nil,
        tagFormat: String? = nil,
        sourceCopyMode: CopyFileDetection? = nil,
        copy: [String]? = nil,
        pythonExec: String? = nil,
        runtimePackages: [String]? = nil,
        builderOptions: KeyValuePairs<String, PyValue>? = nil,
        builderConfig: KeyValuePairs<String, PyValue>? = nil,
        hostMachine: String = HostMachine.current
    ) throws(SpecError) {
        var values: [ImageSpecField: PyValue] = [.name: .str(name)]
        func set(_ field: ImageSpecField, _ value: PyValue?) {
            if let value {
                values[field] = value
            }
        }
        func strings(_ list: [String]?) -> PyValue? {
            list.map { .list($0.map(PyValue.str)) }
        }
        func dict<Value>(_ pairs: KeyValuePairs<String, Value>?, _ convert: (Value) -> PyValue) -> PyValue? {
            pairs.map { .dict(PyDict($0.map { (key: PyValue.str($0.key), value: convert($0.value)) })) }
        }
        set(.pythonVersion, pythonVersion.map(PyValue.str))
        set(.builder, builder.map(PyValue.str))
        set(.sourceRoot, sourceRoot.map(PyValue.str))
        set(.env, dict(env, PyValue.str))
        set(.registry, registry.map(PyValue.str))
        set(.packages, strings(packages))
        set(.condaPackages, strings(condaPackages))
        set(.condaChannels, strings(condaChannels))
        set(.requirements, requirements.map(PyValue.str))
        set(.aptPackages, strings(aptPackages))
        set(.cuda, cuda.map(PyValue.str))
        set(.cudnn, cudnn.map(PyValue.str))
        set(.platform, platform.map(PyValue.str))
        set(.pipIndex, pipIndex.map(PyValue.str))
        set(.pipExtraIndexURL, strings(pipExtraIndexURL))
        set(.pipSecretMounts, pipSecretMounts.map { .list($0.map(\.pyValue)) })
        set(.pipExtraArgs, pipExtraArgs.map(PyValue.str))
        set(.registryConfig, registryConfig.map(PyValue.str))
        set(.entrypoint, strings(entrypoint))
        set(.commands, strings(commands))
        set(.tagFormat, tagFormat.map(PyValue.str))
        set(.sourceCopyMode, sourceCopyMode?.pyValue)
        set(.copy, strings(copy))
        set(.pythonExec, pythonExec.map(PyValue.str))
        set(.runtimePackages, strings(runtimePackages))
        set(.builderOptions, dict(builderOptions) { $0 })
        set(.builderConfig, dict(builderConfig) { $0 })
        self.storage = values
        self.baseImage = baseImage
        try postInit(hostMachine: hostMachine)
    }

    /// Creates a spec the way `ImageSpec(**kwargs)` does in Python: keys are Python field names, values are kept
    /// exactly as given (no conversion), then `__post_init__` runs.
    ///
    /// A `base_image` key may hold a `str` (or any other Python value, kept as is); pass a nested spec as
    /// `baseImage` instead. `source_copy_mode` must be given as a `CopyFileDetection` member (`.enumMember`) to
    /// behave as the enum; a plain `str` is kept as a string, as flytekit does for YAML files.
    public init(
        pythonArguments arguments: PyDict, baseImage: ImageSpec? = nil, hostMachine: String = HostMachine.current
    ) throws(SpecError) {
        var values: [ImageSpecField: PyValue] = [:]
        var base: BaseImage? = baseImage.map(BaseImage.spec)
        for entry in arguments.entries {
            guard case let .str(key) = entry.key else {
                throw SpecError(
                    .unknownField, field: nil, message: "keys must be field names (got \(PythonRepr.repr(entry.key)))",
                    pythonException: .typeError, pythonMessage: "keywords must be strings")
            }
            guard let field = ImageSpecField(pythonName: key) else {
                throw SpecError(
                    .unknownField, field: nil, message: Self.unknownFieldMessage(key),
                    pythonException: .typeError,
                    pythonMessage:
                        "ImageSpec.__init__() got an unexpected keyword argument \(PythonRepr.repr(.str(key)))")
            }
            if field == .baseImage {
                guard base == nil else {
                    throw SpecError(
                        .wrongType, field: .baseImage, message: "given twice (as a value and as a nested spec)")
                }
                switch entry.value {
                case .none: base = nil
                case .str(let reference): base = .reference(reference)
                default:
                    throw SpecError(
                        .wrongType, field: .baseImage,
                        message: "must be an image reference string or a nested ImageSpec "
                            + "(got \(PyValueDescription.kind(of: entry.value)))")
                }
                continue
            }
            if case .none = entry.value {
                continue
            }
            values[field] = entry.value
        }
        if values[.name] == nil, !arguments.keys.contains(.str("name")) {
            values[.name] = .str("flytekit")
        }
        self.storage = values
        self.baseImage = base
        try postInit(hostMachine: hostMachine)
    }

    /// The one-line message for a key that is not a field, suggesting the closest field name.
    static func unknownFieldMessage(_ key: String) -> String {
        var message = "'\(key)' is not an ImageSpec field"
        if let suggestion = FieldNameSuggester.nearest(to: key) {
            message += " — did you mean '\(suggestion.pythonName)'?"
        } else {
            message +=
                " — valid fields: "
                + ImageSpecField.allCases.map(\.pythonName).joined(separator: ", ")
        }
        return message
    }
}
