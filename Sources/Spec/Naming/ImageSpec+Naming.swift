import Foundation

extension ImageSpec {
    /// flytekit's `id`: base64url(md5(`str(D)`)) without padding, where `D` holds every non-`None` field in
    /// declaration order except `builder`, `pip_secret_mounts` and `runtime_packages` (paths as written, a nested
    /// base spec as its own dict). flytekit sets `ENV _F_IMG_ID=<id>` in the image.
    public var id: String {
        FlytekitHash.md5Base64URL(idHashInput)
    }

    /// The exact text hashed for `id`.
    public var idHashInput: String {
        PythonRepr.repr(.dict(hashDict()))
    }

    /// flytekit's `tag` in `context`.
    public func tag(in context: NamingContext = NamingContext()) throws(SpecError) -> String {
        try naming(in: context).tag
    }

    /// flytekit's `image_name()` in `context`: `registry/name:tag`, or `name:tag` without a registry.
    public func imageName(in context: NamingContext = NamingContext()) throws(SpecError) -> String {
        try naming(in: context).imageName
    }

    /// Names the spec exactly as flytekit's `ImageSpec.tag` / `image_name()` do (image_spec.py L207–268):
    /// a nested base spec becomes its image name; `source_root` becomes the md5 of its files unless
    /// `source_copy_mode` is `None` or `NO_COPY`; a non-empty `copy` becomes the md5 of its entries; a non-empty
    /// `requirements` becomes the sha1 of the stripped file; `registry_config` is dropped; the md5 of `str(D)` is
    /// base64url-encoded, `-` becomes `_`, and `tag_format` is applied with `str.format(spec_hash=…)`.
    ///
    /// Not reproduced: flytekit's `ImageBuildEngine._IMAGE_NAME_TO_REAL_NAME` lookup, which lets a builder that ran
    /// in the same Python process substitute another name (e.g. a digest-pinned one).
    public func naming(in context: NamingContext = NamingContext()) throws(SpecError) -> ImageNaming {
        var substitutions: [ImageSpecField: PyValue?] = [:]

        // 2. nested base spec -> its image_name()
        var baseImageName: String?
        if case .spec(let base)? = baseImage {
            let name = try base.naming(in: context).imageName
            baseImageName = name
            substitutions[.baseImage] = .str(name)
        }

        // 3. source_root -> ls_files digest (unless the mode is None or NO_COPY)
        var sourceRootDigest: String?
        var sourceFiles: [String]?
        var unreadableSourceDirectories: [String]?
        if let mode = storage[.sourceCopyMode], mode != CopyFileDetection.noCopy.pyValue {
            guard PyValueDescription.isTruthy(storage[.sourceRoot]) else {
                throw SpecError(
                    .sourceRootRequired, field: .sourceCopyMode,
                    message: "source_copy_mode \(PythonRepr.repr(mode)) needs source_root — set source_root to "
                        + "your project directory or remove source_copy_mode",
                    pythonException: .valueError,
                    pythonMessage: "Field source_root for image spec \(name) must be set when copy is set")
            }
            guard case .str(let root)? = storage[.sourceRoot] else {
                throw Self.pathTypeError(.sourceRoot, storage[.sourceRoot]!)
            }
            let (digest, files, unreadable) = try Self.sourceRootDigest(
                root: root, loadedModules: CopyFileDetection(mode) == .loadedModules, context: context)
            sourceRootDigest = digest
            sourceFiles = files
            unreadableSourceDirectories = unreadable.isEmpty ? nil : unreadable
            substitutions[.sourceRoot] = .str(digest)
        }

        // 4. copy -> compute_digest (only when truthy)
        var copyDigest: String?
        if let copyValue = storage[.copy], PyValueDescription.isTruthy(copyValue) {
            guard case .list(let items) = copyValue,
                case let paths = items.compactMap({ item -> String? in if case .str(let s) = item { s } else { nil } }),
                paths.count == items.count
            else {
                throw SpecError(
                    .wrongType, field: .copy,
                    message: "must be a list of strings (got \(Self.listProblem(copyValue))) — write copy: "
                        + "[data/config.yaml]")
            }
            do {
                copyDigest = try CopyDigest.compute(paths: paths, workingDirectory: context.workingDirectory)
            } catch {
                throw SpecError(.unreadable, field: .copy, message: error.message)
            }
            substitutions[.copy] = .str(copyDigest!)
        }

        // 5. requirements -> sha1 of the stripped bytes (only when truthy)
        var requirementsSHA1: String?
        if let requirements = storage[.requirements], PyValueDescription.isTruthy(requirements) {
            guard case .str(let path) = requirements else {
                throw Self.pathTypeError(.requirements, requirements)
            }
            let bytes = try Self.readRequirements(path, workingDirectory: context.workingDirectory)
            requirementsSHA1 = FlytekitHash.sha1HexOfStripped(bytes)
            substitutions[.requirements] = .str(requirementsSHA1!)
        }

        // 6. registry_config = None
        substitutions[.registryConfig] = .some(nil)

        // 7. T = spec.id.replace("-", "_")
        let tagHashInput = PythonRepr.repr(.dict(hashDict(substitutions: substitutions)))
        let tagDigest = FlytekitHash.md5Base64URL(tagHashInput)
        var tag = String(tagDigest.map { $0 == "-" ? "_" : $0 })

        // 8. tag_format
        if let format = storage[.tagFormat], PyValueDescription.isTruthy(format) {
            guard case .str(let template) = format else {
                throw SpecError(
                    .wrongType, field: .tagFormat,
                    message: "must be a string (got \(PyValueDescription.kind(of: format))) — write tag_format: "
                        + "\"{spec_hash}-dev\"",
                    pythonException: .attributeError,
                    pythonMessage: "'\(PyValueDescription.pythonTypeName(format))' object has no attribute 'format'")
            }
            do {
                tag = try PythonFormat.format(template, arguments: ["spec_hash": tag])
            } catch {
                throw SpecError(
                    .invalidTagFormat, field: .tagFormat,
                    message: error.message,
                    pythonException: error.pythonException, pythonMessage: error.pythonMessage)
            }
        }

        var imageName = "\(name):\(tag)"
        if case .str(let registry)? = storage[.registry], !registry.isEmpty {
            imageName = "\(registry)/\(imageName)"
        }
        return ImageNaming(
            imageName: imageName, tag: tag, id: id, name: name, registry: registry, platform: platform,
            tagHashInput: tagHashInput, tagDigest: tagDigest, idHashInput: idHashInput,
            requirementsSHA1: requirementsSHA1, copyDigest: copyDigest, sourceRootDigest: sourceRootDigest,
            sourceFiles: sourceFiles, unreadableSourceDirectories: unreadableSourceDirectories,
            baseImageName: baseImageName)
    }

    /// `dataclasses.asdict(spec, dict_factory=…)` with flytekit's filter: non-`None` fields in declaration order,
    /// minus the excluded ones, with `substitutions` applied (a `nil` substitution drops the field). A nested base
    /// spec becomes its own filtered dict; dicts and lists inside fields are kept whole (their `None`s included).
    func hashDict(substitutions: [ImageSpecField: PyValue?] = [:]) -> PyDict {
        var dict = PyDict()
        for field in ImageSpecField.allCases where !ImageSpecField.excludedFromID.contains(field) {
            let value: PyValue?
            if let substitution = substitutions[field] {
                value = substitution
            } else if field == .baseImage {
                switch baseImage {
                case .reference(let reference)?: value = .str(reference)
                case .spec(let nested)?: value = .dict(nested.hashDict())
                case nil: value = nil
                }
            } else {
                value = storage[field]
            }
            if let value, value != .none {
                dict[.str(field.pythonName)] = value
            }
        }
        return dict
    }

    // MARK: - Files

    private static func sourceRootDigest(
        root: String, loadedModules: Bool, context: NamingContext
    ) throws(SpecError) -> (String, [String], [String]) {
        let mode: SourceRootDigest.Mode
        if let files = context.sourceRootFiles {
            mode = .files(files)
        } else if loadedModules {
            if let modules = context.loadedModuleFiles {
                mode = .files(modules)
            } else if root.hasPrefix("/") {
                throw SpecError(
                    .invalidValue, field: .sourceCopyMode,
                    message: "source_copy_mode LOADED_MODULES (the default when source_root is set) hashes the "
                        + "modules the flytekit process imported, which only the flytekit plugin knows — set "
                        + "source_copy_mode: ALL or NO_COPY, or name the image from the plugin")
            } else {
                // flytekit's os.path.commonpath never matches a relative root against absolute module paths.
                mode = .files([])
            }
        } else {
            mode = .all
        }
        do {
            let result = try SourceRootDigest.compute(
                root: root, workingDirectory: context.workingDirectory, mode: mode, environment: context.environment)
            return (result.digest, result.files, result.unreadableDirectories)
        } catch {
            guard error.kind == .notADirectory else {
                throw SpecError(.unreadable, field: .sourceRoot, message: error.message)
            }
            // flytekit's GitIgnore runs `git ls-files` with cwd=source_root, which raises like this.
            if root.unicodeScalars.contains("\0") {
                throw SpecError(
                    .unreadable, field: .sourceRoot, message: error.message, pythonException: .valueError,
                    pythonMessage: "embedded null byte")
            }
            let resolved =
                root.hasPrefix("/") ? root : (context.workingDirectory as NSString).appendingPathComponent(root)
            let exists = FileManager.default.fileExists(atPath: resolved)
            throw SpecError(
                .unreadable, field: .sourceRoot, message: error.message,
                pythonException: exists ? .notADirectoryError : .fileNotFoundError,
                pythonMessage: exists
                    ? "[Errno 20] Not a directory: \(PythonRepr.repr(.str(root)))"
                    : "[Errno 2] No such file or directory: \(PythonRepr.repr(.str(root)))")
        }
    }

    /// `pathlib.Path(path).read_bytes()` relative to `workingDirectory`, with Python's errors.
    private static func readRequirements(_ path: String, workingDirectory: String) throws(SpecError) -> Data {
        let quoted = PythonRepr.repr(.str(path))
        // Python's errors name str(Path(path)), which drops a trailing slash, `.` components and doubled slashes.
        let pythonQuoted = PythonRepr.repr(.str(PyPath.string(PyPath.pathlibString(PyPath.from(path)))))
        guard !path.unicodeScalars.contains("\0") else {
            throw SpecError(
                .unreadable, field: .requirements,
                message: "path \(quoted) contains a NUL character — fix the path",
                pythonException: .valueError, pythonMessage: "embedded null byte")
        }
        let resolved = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
            throw SpecError(
                .fileNotFound, field: .requirements,
                message: "file \(quoted) does not exist (looked for \(resolved)) — fix the path; relative paths "
                    + "are resolved against the spec file's directory (or --cwd)",
                pythonException: .fileNotFoundError,
                pythonMessage: "[Errno 2] No such file or directory: \(pythonQuoted)")
        }
        guard !isDirectory.boolValue else {
            throw SpecError(
                .unreadable, field: .requirements,
                message: "\(quoted) is a directory (\(resolved)) — point requirements at a requirements.txt, "
                    + "uv.lock or poetry.lock file",
                pythonException: .isADirectoryError, pythonMessage: "[Errno 21] Is a directory: \(pythonQuoted)")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw SpecError(
                .unreadable, field: .requirements,
                message: "cannot read \(quoted) (\(resolved)) — check its permissions",
                pythonException: .permissionError, pythonMessage: "[Errno 13] Permission denied: \(quoted)")
        }
        return data
    }

    private static func pathTypeError(_ field: ImageSpecField, _ value: PyValue) -> SpecError {
        SpecError(
            .wrongType, field: field,
            message: "must be a path string (got \(PyValueDescription.kind(of: value))) — write "
                + "\(field.pythonName): \"path/relative/to/the/spec\"",
            pythonException: .typeError,
            pythonMessage: "expected str, bytes or os.PathLike object, not \(PyValueDescription.pythonTypeName(value))")
    }
}
