import Foundation

/// Reads ImageSpec YAML and JSON files the way flytekit reads them (`ImageSpec(**yaml.safe_load(f))`), reporting
/// every problem with file, line, column, field and fix.
///
/// Relative paths in a spec (`requirements`, `copy`, `source_root`) are resolved against the spec file's directory
/// unless the naming context says otherwise (flytekit itself uses the process's current directory: pass
/// `NamingContext(workingDirectory:)` to reproduce that).
///
/// ```swift
/// let image = try SpecLoader.load(path: "image.yaml").imageName()
/// ```
public enum SpecLoader {
    /// Loads a spec file. `format` defaults to the file extension (`.json` → JSON, else YAML); `context` defaults to
    /// the file's directory as working directory and this host's machine.
    public static func load(
        path: String, format: SpecFormat? = nil, context: NamingContext? = nil
    ) throws(SpecError) -> LoadedSpec {
        let bytes = try readFile(path)
        return try load(
            bytes: bytes, format: format ?? SpecFormat.guess(path: path), file: path,
            context: context ?? defaultContext(forSpecAt: path))
    }

    /// Loads spec text (`file` is only used in messages).
    public static func load(
        text: String, format: SpecFormat, file: String? = nil, context: NamingContext = NamingContext()
    ) throws(SpecError) -> LoadedSpec {
        try load(bytes: Array(text.utf8), format: format, file: file, context: context)
    }

    /// Loads spec bytes (`file` is only used in messages).
    public static func load(
        bytes: [UInt8], format: SpecFormat, file: String? = nil, context: NamingContext = NamingContext()
    ) throws(SpecError) -> LoadedSpec {
        let parsed = parse(bytes: bytes, format: format, file: file, context: context)
        guard parsed.problems.isEmpty, let loaded = parsed.loaded else {
            throw SpecError(diagnostics: parsed.problems, warnings: parsed.warnings)
        }
        return loaded
    }

    /// flytekit's `image_name()` for the spec file at `path` (relative paths in the spec resolve against the file's
    /// directory unless `context` says otherwise). One call for callers such as `imagespec exists`.
    public static func imageName(
        ofSpecAt path: String, format: SpecFormat? = nil, context: NamingContext? = nil
    ) throws(SpecError) -> String {
        try load(path: path, format: format, context: context).imageName()
    }

    /// The naming context the CLI uses by default: the spec file's directory, this host.
    public static func defaultContext(forSpecAt path: String) -> NamingContext {
        NamingContext(workingDirectory: directory(of: path))
    }

    /// Checks a spec file completely — syntax, every field, the files it names, and naming itself — and returns
    /// every problem and warning (it does not stop at the first).
    public static func validate(
        path: String, format: SpecFormat? = nil, context: NamingContext? = nil
    ) -> ValidationReport {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            return ValidationReport(problems: error.diagnostics, warnings: [], naming: nil)
        }
        return validate(
            bytes: bytes, format: format ?? SpecFormat.guess(path: path), file: path,
            context: context ?? defaultContext(forSpecAt: path))
    }

    /// `validate(path:)` for bytes already read.
    public static func validate(
        bytes: [UInt8], format: SpecFormat, file: String?, context: NamingContext
    ) -> ValidationReport {
        let parsed = parse(bytes: bytes, format: format, file: file, context: context)
        guard parsed.problems.isEmpty, let loaded = parsed.loaded else {
            return ValidationReport(problems: parsed.problems, warnings: parsed.warnings, naming: nil)
        }
        var warnings = parsed.warnings
        let problems = fileProblems(loaded, warnings: &warnings)
        guard problems.isEmpty else {
            return ValidationReport(problems: problems, warnings: warnings, naming: nil)
        }
        do {
            return ValidationReport(problems: [], warnings: warnings, naming: try loaded.naming())
        } catch {
            return ValidationReport(problems: error.diagnostics, warnings: warnings, naming: nil)
        }
    }

    // MARK: - Implementation

    private struct Parsed {
        var loaded: LoadedSpec?
        var problems: [SpecDiagnostic]
        var warnings: [SpecDiagnostic]
    }

    private static func parse(bytes: [UInt8], format: SpecFormat, file: String?, context: NamingContext) -> Parsed {
        let root: SourceNode?
        let readerProblems: [SpecDiagnostic]
        switch format {
        case .yaml:
            var reader = YAMLSpecReader(file: file)
            root = reader.read(bytes: bytes)
            readerProblems = reader.problems
        case .json:
            var reader = JSONSpecReader(file: file)
            root = reader.read(bytes: bytes)
            readerProblems = reader.problems
        }
        guard let root else {
            return Parsed(loaded: nil, problems: readerProblems, warnings: [])
        }
        if case .scalar(.none) = root.content {
            let problem = SpecDiagnostic(
                .error, file: file, location: nil, field: nil,
                message: "the spec is empty — an ImageSpec file is a mapping of field names to values, e.g. "
                    + "name: my-image")
            return Parsed(loaded: nil, problems: readerProblems + [problem], warnings: [])
        }
        var interpreter = SpecInterpreter(format: format, file: file, hostMachine: context.hostMachine)
        let spec = interpreter.interpret(root)
        let problems = (readerProblems + interpreter.errors).sorted(by: Self.fileOrder)
        let warnings = interpreter.warnings.sorted(by: Self.fileOrder)
        guard let spec, problems.isEmpty else {
            return Parsed(loaded: nil, problems: problems, warnings: warnings)
        }
        let loaded = LoadedSpec(
            spec: spec, file: file, format: format, warnings: warnings, context: context,
            locations: interpreter.locations)
        return Parsed(loaded: loaded, problems: [], warnings: warnings)
    }

    private static func fileOrder(_ a: SpecDiagnostic, _ b: SpecDiagnostic) -> Bool {
        let left = a.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
        let right = b.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
        return left < right
    }

    /// Checks of the files a spec names that can be made without hashing anything.
    private static func fileProblems(_ loaded: LoadedSpec, warnings: inout [SpecDiagnostic]) -> [SpecDiagnostic] {
        let spec = loaded.spec
        let cwd = loaded.context.workingDirectory
        var problems: [SpecDiagnostic] = []
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)
        }
        func report(_ field: ImageSpecField, _ message: String, warning: Bool = false) {
            let diagnostic = SpecDiagnostic(
                warning ? .warning : .error, file: loaded.file, location: loaded.locations[field],
                field: field.pythonName, message: message)
            if warning { warnings.append(diagnostic) } else { problems.append(diagnostic) }
        }
        var isDirectory: ObjCBool = false
        if let requirements = spec.requirements, !requirements.isEmpty {
            let path = resolve(requirements)
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                report(
                    .requirements,
                    "file '\(requirements)' does not exist (looked for \(path)) — fix the path; "
                        + "relative paths are resolved against the spec file's directory (or --cwd)")
            } else if isDirectory.boolValue {
                report(.requirements, "'\(requirements)' is a directory (\(path)) — point it at a requirements file")
            } else if !FileManager.default.isReadableFile(atPath: path) {
                report(.requirements, "cannot read '\(requirements)' (\(path)) — check its permissions")
            }
        }
        for entry in spec.copy ?? [] where !FileManager.default.fileExists(atPath: resolve(entry)) {
            report(
                .copy,
                "entry '\(entry)' does not exist (looked for \(resolve(entry))); flytekit skips it in the "
                    + "hash and the build would fail — fix the path", warning: true)
        }
        if let mode = spec.value(of: .sourceCopyMode), mode != CopyFileDetection.noCopy.pyValue,
            let root = spec.sourceRoot, !root.isEmpty
        {
            let path = resolve(root)
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                report(
                    .sourceRoot,
                    "'\(root)' is not a directory (looked for \(path)) — point source_root at "
                        + "your project directory")
            }
        }
        return problems
    }

    private static func readFile(_ path: String) throws(SpecError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        let problem: String
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            problem = "no such file — check the path"
        } else if isDirectory.boolValue {
            problem = "is a directory — pass the spec file (e.g. \(path)/imagespec.yaml)"
        } else if let data = FileManager.default.contents(atPath: path) {
            return Array(data)
        } else {
            problem = "cannot read the file — check its permissions"
        }
        throw SpecError(diagnostics: [
            SpecDiagnostic(.error, file: path, location: nil, field: nil, message: problem)
        ])
    }

    private static func directory(of path: String) -> String {
        let absolute =
            path.hasPrefix("/")
            ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent
    }
}
