/// Turns the top-level mapping of a spec file into an `ImageSpec`, checking every field and collecting every
/// problem with its line and column (rather than stopping at the first, as `ImageSpec(**mapping)` would).
///
/// The checks are flytekit's (`__post_init__`) plus imagespec's own for values flytekit accepts but cannot use:
/// non-string paths, copy entries that are absolute or contain `..`, unknown `source_copy_mode` strings,
/// `tag_format` that `str.format` rejects, empty names. Values are kept exactly as the file types them.
struct SpecInterpreter {
    /// The file syntax (decides `source_copy_mode`, `pip_secret_mounts` and nested base specs).
    let format: SpecFormat
    /// The file name for diagnostics.
    let file: String?
    /// `platform.machine()` for the `platform` default.
    let hostMachine: String
    /// Errors found.
    private(set) var errors: [SpecDiagnostic] = []
    /// Warnings found.
    private(set) var warnings: [SpecDiagnostic] = []
    /// Where each top-level field's value is, for problems found later (while naming).
    private(set) var locations: [ImageSpecField: SourceLocation] = [:]

    /// Creates an interpreter.
    init(format: SpecFormat, file: String?, hostMachine: String) {
        self.format = format
        self.file = file
        self.hostMachine = hostMachine
    }

    /// The spec, or `nil` when `errors` is not empty.
    mutating func interpret(_ root: SourceNode, fieldPrefix: String = "") -> ImageSpec? {
        guard case .mapping(let pairs) = root.content else {
            if case .invalid = root.content {
                return nil
            }
            let got = root.pyValue.map(PyValueDescription.kind(of:)) ?? "something else"
            let what = fieldPrefix.isEmpty ? "the spec" : "field '\(fieldPrefix.dropLast())'"
            error(
                root.location, field: nil,
                "\(what) must be a mapping of ImageSpec fields (got \(got)) — write e.g. name: my-image")
            return nil
        }
        let errorCount = errors.count
        var arguments = PyDict()
        var nestedBase: ImageSpec?
        for pair in pairs {
            guard case .scalar(.str(let key)) = pair.key.content else {
                if let key = pair.key.pyValue {
                    error(
                        pair.key.location, field: nil,
                        "\(PythonRepr.repr(key)) is not an ImageSpec field (keys are field names such as 'name')")
                }
                continue
            }
            guard let field = ImageSpecField(pythonName: key) else {
                error(pair.key.location, field: nil, ImageSpec.unknownFieldMessage(key))
                continue
            }
            if fieldPrefix.isEmpty, let location = pair.value.location ?? pair.key.location {
                locations[field] = location
            }
            let name = fieldPrefix + field.pythonName
            if field == .baseImage, case .mapping = pair.value.content {
                nestedBase = interpretNestedBase(pair.value, name: name)
                continue
            }
            if let value = check(field, pair.value, name: name) {
                arguments[.str(key)] = value
            }
        }
        crossFieldChecks(arguments, fieldPrefix: fieldPrefix)
        guard errors.count == errorCount else {
            return nil
        }
        do {
            return try ImageSpec(pythonArguments: arguments, baseImage: nestedBase, hostMachine: hostMachine)
        } catch {
            let location = error.field.flatMap { locations[$0] } ?? root.location
            self.error(location, field: error.field.map { fieldPrefix + $0.pythonName }, error.message)
            return nil
        }
    }

    // MARK: - Field checks

    /// The Python value for `field`, or `nil` after reporting a problem (or for an explicit null).
    private mutating func check(_ field: ImageSpecField, _ node: SourceNode, name: String) -> PyValue? {
        guard let value = node.pyValue else {
            return nil  // already reported by the reader
        }
        if case .none = value {
            if field == .name {
                error(node.location, field: name, "must be a string, not null — write name: my-image")
            }
            return PyValue.none
        }
        switch field {
        case .name:
            guard case .str(let text) = value else {
                return wrongType(node, value, name: name, expected: "a string", example: "name: my-image")
            }
            if text.isEmpty {
                error(node.location, field: name, "must not be empty — write name: my-image")
            }
            return value
        case .pythonVersion, .cuda, .cudnn:
            return checkVersion(field, node, value, name: name)
        case .builder, .sourceRoot, .registry, .requirements, .platform, .pipIndex, .pipExtraArgs,
            .registryConfig, .tagFormat, .pythonExec:
            guard case .str(let text) = value else {
                return wrongType(
                    node, value, name: name, expected: "a string",
                    example: "\(field.pythonName): \(quotedExample(node, value))")
            }
            checkString(field, text, node: node, name: name)
            return value
        case .packages, .condaPackages, .condaChannels, .aptPackages, .pipExtraIndexURL, .entrypoint, .commands,
            .runtimePackages, .copy:
            return checkStringList(field, node, value, name: name)
        case .env, .builderOptions, .builderConfig:
            return checkMapping(field, node, value, name: name)
        case .pipSecretMounts:
            return checkSecretMounts(node, name: name)
        case .sourceCopyMode:
            return checkCopyMode(node, value, name: name)
        case .baseImage:
            guard case .str = value else {
                return wrongType(
                    node, value, name: name, expected: "an image reference string",
                    example: "base_image: python:3.11-slim")
            }
            return value
        }
    }

    private mutating func checkVersion(
        _ field: ImageSpecField, _ node: SourceNode, _ value: PyValue, name: String
    ) -> PyValue? {
        switch value {
        case .str:
            return value
        case .int, .bigInt, .float:
            let written = node.sourceText ?? PythonRepr.repr(value)
            let hashed = PythonRepr.repr(value)
            let source = format == .yaml ? "YAML" : "JSON"
            if written != hashed {
                warning(
                    node.location, field: name,
                    "\(written) is the number \(hashed) in \(source), and flytekit hashes (and installs) \(hashed) — "
                        + "quote it: \(field.pythonName): \"\(written)\"")
            } else {
                warning(
                    node.location, field: name,
                    "\(written) is a number in \(source); flytekit hashes it unquoted, so the image name differs "
                        + "from \"\(written)\" — quote it: \(field.pythonName): \"\(written)\"")
            }
            return value
        default:
            return wrongType(
                node, value, name: name, expected: "a version string",
                example: "\(field.pythonName): \"\(field == .pythonVersion ? "3.11" : field == .cuda ? "12.1" : "8")\"")
        }
    }

    private mutating func checkString(_ field: ImageSpecField, _ text: String, node: SourceNode, name: String) {
        switch field {
        case .registry where !text.isEmpty:
            let lowered = PythonUnicode.lower(text)
            if !RegistryNameValidator.isValid(lowered) {
                error(
                    node.location, field: name,
                    "\(PythonRepr.repr(.str(lowered))) is not a valid container registry name — write e.g. "
                        + "registry: ghcr.io/my-org or registry: localhost:30000 (no tag, no scheme, no spaces)")
            }
        case .tagFormat where !text.isEmpty:
            do {
                _ = try PythonFormat.format(text, arguments: ["spec_hash": String(repeating: "A", count: 22)])
            } catch {
                self.error(node.location, field: name, error.message)
            }
        default:
            break
        }
    }

    private mutating func checkStringList(
        _ field: ImageSpecField, _ node: SourceNode, _ value: PyValue, name: String
    ) -> PyValue? {
        guard case .sequence(let items) = node.content else {
            let example: String
            if case .str(let text) = value {
                example = "\(field.pythonName): [\(text)]"
            } else {
                example = "\(field.pythonName): [\(ImageSpec.example(for: field))]"
            }
            return wrongType(node, value, name: name, expected: "a list of strings", example: example)
        }
        var ok = true
        for (index, item) in items.enumerated() {
            guard let itemValue = item.pyValue else {
                ok = false
                continue
            }
            guard case .str(let text) = itemValue else {
                let written = item.sourceText ?? PythonRepr.repr(itemValue)
                error(
                    item.location ?? node.location, field: "\(name)[\(index)]",
                    "must be a string (got \(PyValueDescription.kind(of: itemValue)) \(PythonRepr.repr(itemValue)))"
                        + " — quote it: \"\(written)\"")
                ok = false
                continue
            }
            if field == .copy {
                let components = text.split(separator: "/", omittingEmptySubsequences: true)
                if text.hasPrefix("/") || components.contains("..") {
                    error(
                        item.location ?? node.location, field: "\(name)[\(index)]",
                        "\(PythonRepr.repr(.str(text))) is absolute or contains '..'; flytekit copies each entry "
                            + "to /root/<same path> and refuses these — use a path inside the project directory")
                    ok = false
                }
            }
        }
        return ok ? value : nil
    }

    private mutating func checkMapping(
        _ field: ImageSpecField, _ node: SourceNode, _ value: PyValue, name: String
    ) -> PyValue? {
        guard case .mapping(let pairs) = node.content else {
            return wrongType(
                node, value, name: name, expected: "a mapping",
                example: field == .env ? "env: {KEY: value}" : "\(field.pythonName): {key: value}")
        }
        guard field == .env else {
            return value
        }
        var ok = true
        for pair in pairs {
            guard let key = pair.key.pyValue else {
                continue
            }
            guard case .str(let keyText) = key else {
                error(
                    pair.key.location ?? node.location, field: name,
                    "variable names must be strings (got \(PyValueDescription.kind(of: key)) "
                        + "\(PythonRepr.repr(key))) — quote it: \"\(pair.key.sourceText ?? PythonRepr.repr(key))\"")
                ok = false
                continue
            }
            if let item = pair.value.pyValue {
                switch item {
                case .list, .dict, .none:
                    warning(
                        pair.value.location ?? node.location, field: "\(name).\(keyText)",
                        "is \(PyValueDescription.kind(of: item)); flytekit hashes it as is (its Python text "
                            + "\(PythonRepr.repr(item)) would be the value), and imagespec build refuses it — use a "
                            + "string")
                default:
                    break
                }
            }
        }
        return ok ? value : nil
    }

    private mutating func checkSecretMounts(_ node: SourceNode, name: String) -> PyValue? {
        let example = "pip_secret_mounts: [[.netrc, /root/.netrc]]"
        guard case .sequence(let items) = node.content else {
            return wrongType(
                node, node.pyValue ?? .none, name: name, expected: "a list of [source, target] pairs",
                example: example)
        }
        var mounts: [PyValue] = []
        for (index, item) in items.enumerated() {
            guard case .list(let pair)? = item.pyValue, pair.count == 2,
                pair.allSatisfy({ if case .str = $0 { true } else { false } })
            else {
                error(
                    item.location ?? node.location, field: "\(name)[\(index)]",
                    "must be a [source, target] pair of strings — write \(example)")
                continue
            }
            mounts.append(.tuple(pair))
        }
        return mounts.count == items.count ? .list(mounts) : nil
    }

    private mutating func checkCopyMode(_ node: SourceNode, _ value: PyValue, name: String) -> PyValue? {
        let names = CopyFileDetection.allCases.map(\.memberName)
        guard case .str(let text) = value, let member = CopyFileDetection(memberName: text) else {
            let got = PyValueDescription.kind(of: value) + " " + PythonRepr.repr(value)
            error(
                node.location, field: name,
                "must be one of \(names.joined(separator: ", ")) (got \(got)) — write source_copy_mode: ALL")
            return nil
        }
        guard format == .yaml else {
            return member.pyValue
        }
        let effect =
            member == .all
            ? "the tag differs from a Python spec with CopyFileDetection.ALL"
            : "flytekit then copies and hashes ALL files under source_root, not \(text)"
        warning(
            node.location, field: name,
            "flytekit keeps a YAML source_copy_mode as the string '\(text)', not the enum: \(effect) "
                + "(imagespec reproduces this; use a JSON spec or Python to get the enum)")
        return value
    }

    private mutating func interpretNestedBase(_ node: SourceNode, name: String) -> ImageSpec? {
        guard format == .json else {
            error(
                node.location, field: name,
                "a nested ImageSpec cannot be written in YAML (flytekit would hash the mapping itself) — use an "
                    + "image reference such as base_image: python:3.11-slim, or a JSON spec with "
                    + "\"base_image\": {\"image_spec\": {…}}")
            return nil
        }
        guard case .mapping(let pairs) = node.content, pairs.count == 1,
            case .scalar(.str("image_spec")) = pairs[0].key.content
        else {
            error(
                node.location, field: name,
                "must be an image reference string or {\"image_spec\": {…}} — write \"base_image\": "
                    + "{\"image_spec\": {\"name\": \"base\"}}")
            return nil
        }
        var nested = SpecInterpreter(format: format, file: file, hostMachine: hostMachine)
        let spec = nested.interpret(pairs[0].value, fieldPrefix: name + ".image_spec.")
        errors += nested.errors
        warnings += nested.warnings
        return spec
    }

    /// Problems that involve two fields.
    private mutating func crossFieldChecks(_ arguments: PyDict, fieldPrefix: String) {
        let mode = arguments[.str("source_copy_mode")]
        let root = arguments[.str("source_root")]
        if let mode, mode != .none, mode != CopyFileDetection.noCopy.pyValue,
            !PyValueDescription.isTruthy(root)
        {
            error(
                locations[.sourceCopyMode], field: fieldPrefix + "source_copy_mode",
                "needs source_root (flytekit: \"Field source_root for image spec … must be set when copy is set\") "
                    + "— add source_root: . or remove source_copy_mode")
        }
    }

    // MARK: - Reporting

    private mutating func wrongType(
        _ node: SourceNode, _ value: PyValue, name: String, expected: String, example: String
    ) -> PyValue? {
        error(
            node.location, field: name,
            "must be \(expected) (got \(PyValueDescription.kind(of: value))) — write \(example)")
        return nil
    }

    private func quotedExample(_ node: SourceNode, _ value: PyValue) -> String {
        switch value {
        case .int, .bigInt, .float, .bool: "\"\(node.sourceText ?? PythonRepr.repr(value))\""
        default: "\"...\""
        }
    }

    private mutating func error(_ location: SourceLocation?, field: String?, _ message: String) {
        errors.append(SpecDiagnostic(.error, file: file, location: location, field: field, message: message))
    }

    private mutating func warning(_ location: SourceLocation?, field: String?, _ message: String) {
        warnings.append(SpecDiagnostic(.warning, file: file, location: location, field: field, message: message))
    }
}
