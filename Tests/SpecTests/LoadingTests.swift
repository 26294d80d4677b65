import Foundation
import TestSupport
import Testing

@testable import Spec

/// Spec files: YAML and JSON loading, one-line located errors for every class of bad input, `validate` collecting
/// every problem, and relative-path resolution.
@Suite("loading: spec files")
struct LoadingTests {
    static let context = NamingContext(workingDirectory: "/nonexistent-imagespec-dir", hostMachine: "x86_64")

    /// The problems of loading `text` as `file`.
    static func problems(_ text: String, format: SpecFormat = .yaml, file: String = "spec.yaml") -> [SpecDiagnostic] {
        problems(bytes: Array(text.utf8), format: format, file: file)
    }

    static func problems(bytes: [UInt8], format: SpecFormat = .yaml, file: String = "spec.yaml") -> [SpecDiagnostic] {
        do {
            _ = try SpecLoader.load(bytes: bytes, format: format, file: file, context: context)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// Asserts exactly one problem, at `line:column`, naming `field`, one line, containing `words`.
    static func expectOne(
        _ problems: [SpecDiagnostic], at location: String, field: String?, contains words: [String],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(problems.count == 1, "\(problems)", sourceLocation: sourceLocation)
        guard let problem = problems.first else { return }
        let line = problem.description
        #expect(
            line.hasPrefix("spec.yaml:\(location): ") || line.hasPrefix("spec.json:\(location): "),
            "\(line)", sourceLocation: sourceLocation)
        if let field {
            #expect(line.contains("field '\(field)'"), "\(line)", sourceLocation: sourceLocation)
        }
        for word in words {
            #expect(line.contains(word), "\(line) lacks \(word)", sourceLocation: sourceLocation)
        }
        #expect(!line.contains("\n"), sourceLocation: sourceLocation)
    }

    @Test("the flytekit docs example names as flytekit does")
    func docsExample() throws {
        let yaml = """
            name: yaml-img
            builder: dummy
            registry: ghcr.io/acme
            python_version: "3.11"      # unquoted 3.10 would become the float 3.1
            packages: [numpy, pandas]
            apt_packages: [git]
            env: {FOO: bar}
            """
        let loaded = try SpecLoader.load(text: yaml, format: .yaml, context: Self.context)
        #expect(try loaded.imageName() == "ghcr.io/acme/yaml-img:TznBuVo4SSeSE1C6MCLF7A")
        #expect(loaded.warnings.isEmpty)
    }

    @Test("wrong type: packages as a string")
    func wrongType() {
        Self.expectOne(
            Self.problems("name: wf\npackages: numpy\n"), at: "2:11", field: "packages",
            contains: ["must be a list of strings (got a string)", "write packages: [numpy]"])
        Self.expectOne(
            Self.problems("packages: [numpy, 1.0]\n"), at: "1:19", field: "packages[1]",
            contains: ["got a number 1.0", "quote it: \"1.0\""])
        Self.expectOne(
            Self.problems("env: [A, B]\n"), at: "1:6", field: "env", contains: ["must be a mapping (got a list)"])
        Self.expectOne(
            Self.problems("name: 12\n"), at: "1:7", field: "name", contains: ["must be a string (got an integer)"])
    }

    @Test("unknown keys suggest the nearest field")
    func unknownKey() {
        Self.expectOne(
            Self.problems("name: wf\npakages: [numpy]\n"), at: "2:1", field: nil,
            contains: ["'pakages' is not an ImageSpec field", "did you mean 'packages'?"])
        Self.expectOne(
            Self.problems("python-version: '3.11'\n"), at: "1:1", field: nil,
            contains: ["did you mean 'python_version'?"])
    }

    @Test("invalid values: registry, tag_format, copy paths, source_copy_mode")
    func invalidValues() {
        Self.expectOne(
            Self.problems("registry: ghcr.io/acme:latest\n"), at: "1:11", field: "registry",
            contains: ["'ghcr.io/acme:latest' is not a valid container registry name"])
        Self.expectOne(
            Self.problems("tag_format: '{name}-{spec_hash}'\n"), at: "1:13", field: "tag_format", contains: ["{name}"])
        Self.expectOne(
            Self.problems("copy: [data, /etc/passwd]\n"), at: "1:14", field: "copy[1]",
            contains: ["absolute or contains '..'"])
        Self.expectOne(
            Self.problems("copy:\n  - ../outside\n"), at: "2:5", field: "copy[0]", contains: ["'../outside'"])
        Self.expectOne(
            Self.problems("source_root: .\nsource_copy_mode: all\n"), at: "2:19", field: "source_copy_mode",
            contains: ["must be one of LOADED_MODULES, ALL, NO_COPY"])
        Self.expectOne(
            Self.problems("source_copy_mode: ALL\n"), at: "1:19", field: "source_copy_mode",
            contains: ["needs source_root"])
    }

    @Test("syntax-level bad input: non-UTF-8, not a mapping, empty, duplicate keys, dates, YAML errors")
    func badInput() {
        Self.expectOne(
            Self.problems(bytes: Array("name: wf\npackages: [caf".utf8) + [0xE9, 0x5D, 0x0A]), at: "2:15", field: nil,
            contains: ["not UTF-8", "0xE9"])
        Self.expectOne(
            Self.problems("- name: wf\n"), at: "1:1", field: nil, contains: ["must be a mapping", "got a list"])
        Self.expectOne(Self.problems("just text\n"), at: "1:1", field: nil, contains: ["got a string"])
        #expect(Self.problems("# only a comment\n").first?.message.contains("empty") == true)
        Self.expectOne(
            Self.problems("name: a\npackages: [x]\nname: b\n"), at: "1:1", field: nil,
            contains: ["duplicate key 'name'"])
        Self.expectOne(
            Self.problems("builder_options:\n  1: a\n  1.0: b\n"), at: "3:3", field: "builder_options",
            contains: ["duplicate key 1.0 (first at line 2)"])
        Self.expectOne(
            Self.problems("python_version: 2024-01-01\n"), at: "1:17", field: "python_version",
            contains: ["date/time", "quote it: \"2024-01-01\""])
        Self.expectOne(
            Self.problems("name: [unclosed\n"), at: "2:1", field: nil, contains: ["invalid YAML"])
        Self.expectOne(
            Self.problems("name: wf\n\tpackages: []\n"), at: "2:1", field: nil, contains: ["invalid YAML"])
        Self.expectOne(
            Self.problems("base_image: {name: base}\n"), at: "1:13", field: "base_image",
            contains: ["cannot be written in YAML"])
    }

    @Test("python_version: 3.10 is the float 3.1, hashed as flytekit does, with a warning")
    func floatVersionWarning() throws {
        let loaded = try SpecLoader.load(
            text: "name: wf\npython_version: 3.10\n", format: .yaml, file: "spec.yaml",
            context: Self.context)
        #expect(loaded.spec.value(of: .pythonVersion) == .float(3.1))
        #expect(try loaded.naming().tag == "AzAg2pQF4QeB87NOendoxw")  // vector python_version_from_yaml_float
        let warning = try #require(loaded.warnings.first)
        #expect(warning.severity == .warning)
        #expect(warning.description.hasPrefix("spec.yaml:2:17: warning: field 'python_version': "))
        #expect(warning.description.contains("quote it: python_version: \"3.10\""))
    }

    @Test("JSON files: plugin convention, Python json typing, located errors")
    func jsonFiles() throws {
        let json = """
            {"name": "wf", "python_version": 3.10, "source_root": ".", "source_copy_mode": "NO_COPY",
             "pip_secret_mounts": [[".netrc", "/root/.netrc"]], "env": {"A": 1, "B": 1.0, "C": NaN},
             "base_image": {"image_spec": {"name": "base", "packages": ["numpy"]}}}
            """
        let loaded = try SpecLoader.load(text: json, format: .json, file: "spec.json", context: Self.context)
        #expect(loaded.spec.value(of: .sourceCopyMode) == CopyFileDetection.noCopy.pyValue)
        #expect(loaded.spec.pipSecretMounts == [PipSecretMount(source: ".netrc", target: "/root/.netrc")])
        #expect(loaded.spec.value(of: .env).map(PythonRepr.repr) == "{'A': 1, 'B': 1.0, 'C': nan}")
        guard case .spec(let base)? = loaded.spec.baseImage else {
            Issue.record("no nested base spec")
            return
        }
        #expect(base.packages == ["numpy"])
        #expect(try loaded.naming().baseImageName == base.imageName(in: Self.context))

        Self.expectOne(
            Self.problems("{\"name\": \"a\",\n \"name\": \"b\"}", format: .json, file: "spec.json"), at: "2:2",
            field: nil, contains: ["duplicate key 'name'"])
        Self.expectOne(
            Self.problems("{\"packages\": [\"a\",]}", format: .json, file: "spec.json"), at: "1:19", field: nil,
            contains: ["invalid JSON"])
        Self.expectOne(
            Self.problems(
                "{\"base_image\": {\"image_spec\": {\"packages\": \"x\"}}}", format: .json, file: "spec.json"),
            at: "1:44", field: "base_image.image_spec.packages", contains: ["must be a list of strings"])
    }

    @Test("validate reports every problem at once, in file order")
    func validateCollectsAll() throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-validate")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bad.yaml"
        let yaml = """
            name: wf
            pakages: [numpy]
            packages: numpy
            registry: "ghcr.io/my org"
            tag_format: "{x}"
            copy: [/abs]
            env: {1: a}
            python_version: 3.10
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let report = SpecLoader.validate(path: path)
        #expect(!report.isValid)
        #expect(report.problems.map { $0.location?.line ?? 0 } == [2, 3, 4, 5, 6, 7])
        #expect(report.warnings.map { $0.location?.line ?? 0 } == [8])
        #expect(report.problems.allSatisfy { $0.description.hasPrefix(path + ":") })

        // File problems: a missing requirements file is found by validate before naming.
        try Data("name: wf\nrequirements: reqs/missing.txt\n".utf8).write(to: URL(fileURLWithPath: path))
        let missing = SpecLoader.validate(path: path)
        #expect(missing.problems.count == 1)
        #expect(missing.problems.first?.description.hasPrefix(path + ":2:15: field 'requirements': ") == true)
        #expect(missing.problems.first?.description.contains(directory + "/reqs/missing.txt") == true)

        try Data("name: wf\n".utf8).write(to: URL(fileURLWithPath: path))
        let good = SpecLoader.validate(path: path)
        #expect(good.isValid)
        #expect(good.naming?.imageName.hasPrefix("wf:") == true)
    }

    @Test("relative paths resolve against the spec file's directory by default, or the given working directory")
    func relativePaths() throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-paths")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/specs", withIntermediateDirectories: true)
        try Data("numpy\n".utf8).write(to: URL(fileURLWithPath: directory + "/specs/requirements.txt"))
        try Data("pandas\n".utf8).write(to: URL(fileURLWithPath: directory + "/requirements.txt"))
        let path = directory + "/specs/image.yaml"
        try Data("name: wf\nrequirements: requirements.txt\n".utf8).write(to: URL(fileURLWithPath: path))

        let byFile = try SpecLoader.load(path: path).naming()
        #expect(byFile.requirementsSHA1 == FlytekitHash.sha1HexOfStripped(Data("numpy".utf8)))
        let byCWD = try SpecLoader.load(path: path, context: NamingContext(workingDirectory: directory)).naming()
        #expect(byCWD.requirementsSHA1 == FlytekitHash.sha1HexOfStripped(Data("pandas".utf8)))

        let missing = #expect(throws: SpecError.self) { try SpecLoader.load(path: directory + "/nope.yaml") }
        #expect(missing?.description == directory + "/nope.yaml: no such file — check the path")
    }
}
