extension ImageSpec {
    /// flytekit's `__post_init__` (image_spec.py L114–179), in its order. Mutates `storage` the way Python mutates
    /// the instance (lowercasing, defaults) and throws what Python would raise.
    mutating func postInit(hostMachine: String) throws(SpecError) {
        // self.name = self.name.lower()
        guard case .str(let name)? = storage[.name] else {
            let value = storage[.name] ?? .none
            throw SpecError(
                .wrongType, field: .name,
                message: "must be a string (got \(PyValueDescription.kind(of: value))) — write name: my-image",
                pythonException: .attributeError,
                pythonMessage: "'\(PyValueDescription.pythonTypeName(value))' object has no attribute 'lower'")
        }
        storage[.name] = .str(PythonUnicode.lower(name))

        // if self.registry: lowercase + validate_container_registry_name
        if PyValueDescription.isTruthy(storage[.registry]) {
            guard case .str(let registry)? = storage[.registry] else {
                let value = storage[.registry]!
                throw SpecError(
                    .wrongType, field: .registry,
                    message: "must be a string (got \(PyValueDescription.kind(of: value))) — write "
                        + "registry: ghcr.io/my-org",
                    pythonException: .attributeError,
                    pythonMessage: "'\(PyValueDescription.pythonTypeName(value))' object has no attribute 'lower'")
            }
            let lowered = PythonUnicode.lower(registry)
            storage[.registry] = .str(lowered)
            guard RegistryNameValidator.isValid(lowered) else {
                throw SpecError(
                    .invalidRegistry, field: .registry,
                    message: "\(PythonRepr.repr(.str(lowered))) is not a valid container registry name — expected "
                        + "'localhost:30000', 'ghcr.io/username' or 'docker.io/username' "
                        + "(no tag, no scheme, no spaces)",
                    pythonException: .valueError,
                    pythonMessage: "Invalid container registry name: '\(lowered)'.")
            }
        }

        // platform default
        if storage[.platform] == nil {
            var platform = "linux/amd64"
            if case .str(let registry)? = storage[.registry], !registry.isEmpty,
                PythonUnicode.lower(registry).hasPrefixScalars("localhost:"), HostMachine.isARM64(hostMachine)
            {
                platform = "linux/arm64"
            }
            storage[.platform] = .str(platform)
        }

        // source_copy_mode = source_copy_mode or LOADED_MODULES when source_root is not None
        if storage[.sourceRoot] != nil, !PyValueDescription.isTruthy(storage[.sourceCopyMode]) {
            storage[.sourceCopyMode] = CopyFileDetection.loadedModules.pyValue
        }

        // list-of-strings fields
        for field in ImageSpecField.listOfStringFields {
            guard let value = storage[field] else {
                continue
            }
            guard case .list(let items) = value, items.allSatisfy({ if case .str = $0 { true } else { false } })
            else {
                throw SpecError(
                    .notAListOfStrings, field: field,
                    message: "must be a list of strings (got \(Self.listProblem(value))) — write "
                        + "\(field.pythonName): [\(Self.example(for: field))]",
                    pythonException: .valueError,
                    pythonMessage: "\(field.pythonName) must be a list of strings or None")
            }
        }

        // pip_secret_mounts: list of (str, str) tuples
        if let mounts = storage[.pipSecretMounts] {
            let valid: Bool
            if case .list(let items) = mounts {
                valid = items.allSatisfy { item in
                    guard case .tuple(let pair) = item, pair.count == 2 else {
                        return false
                    }
                    return pair.allSatisfy { if case .str = $0 { true } else { false } }
                }
            } else {
                valid = false
            }
            guard valid else {
                throw SpecError(
                    .invalidPipSecretMounts, field: .pipSecretMounts,
                    message: "must be a list of [source, target] pairs of strings — write "
                        + "pip_secret_mounts: [[.netrc, /root/.netrc]]",
                    pythonException: .valueError,
                    pythonMessage: "pip_secret_mounts must be a list of tuples of two strings or None")
            }
        }

        // builder_options must be a dict
        if let options = storage[.builderOptions] {
            guard case .dict = options else {
                throw SpecError(
                    .builderOptionsNotADict, field: .builderOptions,
                    message: "must be a mapping (got \(PyValueDescription.kind(of: options))) — write "
                        + "builder_options: {key: value}",
                    pythonException: .valueError, pythonMessage: "builder_options must be a dictionary or None")
            }
        }
    }

    /// "a string", or "a list containing a number" when only an element is wrong.
    static func listProblem(_ value: PyValue) -> String {
        guard case .list(let items) = value else {
            return PyValueDescription.kind(of: value)
        }
        if let bad = items.first(where: { if case .str = $0 { false } else { true } }) {
            return "a list containing \(PyValueDescription.kind(of: bad)) \(PythonRepr.repr(bad))"
        }
        return "a list"
    }

    /// Example values for a list field's fix hint.
    static func example(for field: ImageSpecField) -> String {
        switch field {
        case .packages, .runtimePackages: "numpy, pandas"
        case .condaPackages: "libgdal, pytorch=2.3"
        case .condaChannels: "conda-forge"
        case .aptPackages: "git, curl"
        case .pipExtraIndexURL: "https://example.com/simple"
        case .entrypoint: "/bin/sh, -c"
        case .commands: "echo hello"
        case .copy: "data/config.yaml"
        default: "..."
        }
    }
}

extension String {
    /// `hasPrefix` comparing Unicode scalars (Python semantics) rather than canonical equivalence.
    func hasPrefixScalars(_ prefix: String) -> Bool {
        unicodeScalars.starts(with: prefix.unicodeScalars)
    }
}
