extension ImageSpec {
    /// The Python value flytekit holds in `field` (`nil` = `None`). For `base_image` this is the reference string;
    /// a nested spec is only available through `baseImage`.
    public func value(of field: ImageSpecField) -> PyValue? {
        if field == .baseImage {
            if case .reference(let reference)? = baseImage {
                return .str(reference)
            }
            return nil
        }
        return storage[field]
    }

    /// The fields that are not `None`, in declaration order (a nested `base_image` is left out).
    public var setFields: [ImageSpecField] {
        ImageSpecField.allCases.filter { $0 == .baseImage ? baseImage != nil : storage[$0] != nil }
    }

    // MARK: Typed views

    /// `name`, lowercased.
    public var name: String { text(.name) ?? "flytekit" }
    /// `python_version` as Python's `str()` shows it (a YAML `3.10` reads `"3.1"`), or `nil`.
    public var pythonVersion: String? { text(.pythonVersion) }
    /// `builder`, or `nil` for flytekit's highest-priority builder.
    public var builder: String? { text(.builder) }
    /// `source_root` as written (relative paths are relative to the naming context's working directory).
    public var sourceRoot: String? { text(.sourceRoot) }
    /// `env` as `KEY=VALUE` text pairs in order (values shown with Python's `str()`, as builders write them).
    public var env: [(name: String, value: String)]? {
        guard case .dict(let dict)? = storage[.env] else {
            return nil
        }
        return dict.entries.map { (PyValueDescription.str($0.key), PyValueDescription.str($0.value)) }
    }
    /// `registry`, lowercased (may be `""`, which flytekit keeps and hashes but does not prefix).
    public var registry: String? { text(.registry) }
    /// `packages`.
    public var packages: [String]? { strings(.packages) }
    /// `conda_packages`.
    public var condaPackages: [String]? { strings(.condaPackages) }
    /// `conda_channels`.
    public var condaChannels: [String]? { strings(.condaChannels) }
    /// `requirements` path as written.
    public var requirements: String? { text(.requirements) }
    /// `apt_packages`.
    public var aptPackages: [String]? { strings(.aptPackages) }
    /// `cuda` as Python's `str()` shows it.
    public var cuda: String? { text(.cuda) }
    /// `cudnn` as Python's `str()` shows it.
    public var cudnn: String? { text(.cudnn) }
    /// `platform` (never `nil` after validation unless set to a non-string value).
    public var platform: String? { text(.platform) }
    /// `pip_index`.
    public var pipIndex: String? { text(.pipIndex) }
    /// `pip_extra_index_url`.
    public var pipExtraIndexURL: [String]? { strings(.pipExtraIndexURL) }
    /// `pip_secret_mounts`.
    public var pipSecretMounts: [PipSecretMount]? {
        guard case .list(let items)? = storage[.pipSecretMounts] else {
            return nil
        }
        return items.compactMap { item in
            guard case .tuple(let pair) = item, pair.count == 2, case .str(let source) = pair[0],
                case .str(let target) = pair[1]
            else {
                return nil
            }
            return PipSecretMount(source: source, target: target)
        }
    }
    /// `pip_extra_args`.
    public var pipExtraArgs: String? { text(.pipExtraArgs) }
    /// `registry_config` path.
    public var registryConfig: String? { text(.registryConfig) }
    /// `entrypoint` (`[]` means "remove the base image's entrypoint").
    public var entrypoint: [String]? { strings(.entrypoint) }
    /// `commands`.
    public var commands: [String]? { strings(.commands) }
    /// `tag_format`.
    public var tagFormat: String? { text(.tagFormat) }
    /// How flytekit treats `source_copy_mode`: the enum member, or `.all` when it holds a string (as a YAML file
    /// gives it: flytekit then lists every file, whatever the string says), or `nil`.
    public var sourceCopyMode: CopyFileDetection? {
        guard let value = storage[.sourceCopyMode] else {
            return nil
        }
        return CopyFileDetection(value) ?? .all
    }
    /// `copy` entries as written.
    public var copy: [String]? { strings(.copy) }
    /// `python_exec`.
    public var pythonExec: String? { text(.pythonExec) }
    /// `runtime_packages`.
    public var runtimePackages: [String]? { strings(.runtimePackages) }
    /// `builder_options`.
    public var builderOptions: PyDict? {
        guard case .dict(let dict)? = storage[.builderOptions] else {
            return nil
        }
        return dict
    }
    /// `builder_config`.
    public var builderConfig: PyDict? {
        guard case .dict(let dict)? = storage[.builderConfig] else {
            return nil
        }
        return dict
    }

    private func text(_ field: ImageSpecField) -> String? {
        storage[field].map(PyValueDescription.str)
    }

    private func strings(_ field: ImageSpecField) -> [String]? {
        guard case .list(let items)? = storage[field] else {
            return nil
        }
        return items.map(PyValueDescription.str)
    }
}
