extension ImageSpec {
    /// A copy with `packages` extended (flytekit's `with_packages`).
    public func withPackages(_ packages: String...) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.packages, .list(packages.map(PyValue.str)))
    }

    /// A copy with `packages` extended (flytekit's `with_packages`).
    public func withPackages(_ packages: [String]) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.packages, .list(packages.map(PyValue.str)))
    }

    /// A copy with `apt_packages` extended (flytekit's `with_apt_packages`).
    public func withAptPackages(_ packages: String...) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.aptPackages, .list(packages.map(PyValue.str)))
    }

    /// A copy with `apt_packages` extended (flytekit's `with_apt_packages`).
    public func withAptPackages(_ packages: [String]) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.aptPackages, .list(packages.map(PyValue.str)))
    }

    /// A copy with `commands` extended (flytekit's `with_commands`).
    public func withCommands(_ commands: String...) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.commands, .list(commands.map(PyValue.str)))
    }

    /// A copy with `commands` extended (flytekit's `with_commands`).
    public func withCommands(_ commands: [String]) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.commands, .list(commands.map(PyValue.str)))
    }

    /// A copy with `copy` extended (flytekit's `with_copy`).
    public func withCopy(_ paths: String...) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.copy, .list(paths.map(PyValue.str)))
    }

    /// A copy with `copy` extended (flytekit's `with_copy`).
    public func withCopy(_ paths: [String]) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.copy, .list(paths.map(PyValue.str)))
    }

    /// A copy with `runtime_packages` extended (flytekit's `with_runtime_packages`).
    public func withRuntimePackages(_ packages: [String]) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.runtimePackages, .list(packages.map(PyValue.str)))
    }

    /// A copy with `builder_options` updated key by key (flytekit's `with_builder_options`, a `dict.update`).
    public func withBuilderOptions(_ options: KeyValuePairs<String, PyValue>) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.builderOptions, .dict(PyDict(options.map { (key: .str($0.key), value: $0.value) })))
    }

    /// A copy with `builder_options` updated key by key (flytekit's `with_builder_options`, a `dict.update`).
    public func withBuilderOptions(_ options: PyDict) throws(SpecError) -> ImageSpec {
        try updatingAttribute(.builderOptions, .dict(options))
    }

    /// A copy with one field replaced and validation re-run (Python's `dataclasses.replace(spec, field=value)`).
    /// `nil` is `None`. Use `replacingBaseImage(_:)` for `base_image`.
    /// `hostMachine` only matters when `platform` is replaced by `nil` (it is then defaulted again).
    public func replacing(
        _ field: ImageSpecField, with value: PyValue?, hostMachine: String = HostMachine.current
    ) throws(SpecError) -> ImageSpec {
        var copy = self
        if field == .baseImage {
            switch value {
            case nil, .none?: copy.baseImage = nil
            case .str(let reference)?: copy.baseImage = .reference(reference)
            case let other?:
                throw SpecError(
                    .wrongType, field: .baseImage,
                    message: "must be an image reference string (got \(PyValueDescription.kind(of: other)))")
            }
        } else if let value, value != .none {
            copy.storage[field] = value
        } else {
            copy.storage[field] = nil
        }
        try copy.postInit(hostMachine: hostMachine)
        return copy
    }

    /// A copy with `base_image` replaced and validation re-run.
    public func replacingBaseImage(_ baseImage: BaseImage?) throws(SpecError) -> ImageSpec {
        var copy = self
        copy.baseImage = baseImage
        try copy.postInit(hostMachine: HostMachine.current)
        return copy
    }

    /// flytekit's `_update_attribute`: a `str` is appended to a list, a `list` extends it, a `dict` updates it
    /// (`None` starts as `[]` or `{}`); then `dataclasses.replace`.
    func updatingAttribute(_ field: ImageSpecField, _ values: PyValue) throws(SpecError) -> ImageSpec {
        var current =
            storage[field]
            ?? {
                if case .dict = values { return PyValue.dict(PyDict()) }
                return PyValue.list([])
            }()
        switch (values, current) {
        case (.str, .list(var items)):
            items.append(values)
            current = .list(items)
        case (.list(let more), .list(var items)):
            items.append(contentsOf: more)
            current = .list(items)
        case (.dict(let more), .dict(var dict)):
            for entry in more.entries {
                dict[entry.key] = entry.value
            }
            current = .dict(dict)
        default:
            let verb = if case .dict = values { "update non-dict" } else { "extend non-list" }
            throw SpecError(
                .wrongType, field: field,
                message: "cannot add to it: it holds \(PyValueDescription.kind(of: current))",
                pythonException: .typeError, pythonMessage: "Cannot \(verb) attribute \(field.pythonName)")
        }
        return try replacing(field, with: current)
    }
}
