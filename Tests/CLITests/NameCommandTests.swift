import Foundation
import TestSupport
import Testing

/// `imagespec name` and `imagespec validate`, run as the built binary on temporary spec files, compared with
/// flytekit's own `image_name()` where a name is printed.
@Suite("CLI: name and validate")
struct NameCommandTests {
    /// A temporary directory with `files`; removed by the caller.
    static func directory(_ files: [String: String]) throws -> String {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-cli-name")
        for (path, content) in files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: full))
        }
        return directory
    }

    static func imagespec(_ arguments: [String], in directory: String? = nil) throws -> ToolResult {
        try ExternalTool.run(
            try TestEnvironment.requireImagespecBinary(), arguments, currentDirectory: directory,
            timeout: .seconds(120))
    }

    /// flytekit's `ImageSpec(**yaml.safe_load(open(spec))).image_name()`, run with `cwd` as the process directory
    /// (as pyflyte does).
    static func flytekitName(spec: String, cwd: String) throws -> String {
        let python = try TestEnvironment.requireVenvPython()
        let program = """
            import sys, yaml
            from flytekit.image_spec.image_spec import ImageSpec
            with open(sys.argv[1]) as f:
                print(ImageSpec(**yaml.safe_load(f)).image_name())
            """
        let result = try ExternalTool.run(python, ["-c", program, spec], currentDirectory: cwd).check()
        return String(result.stdout.split(separator: "\n").last ?? "")
    }

    static let docsYAML = """
        name: yaml-img
        builder: dummy
        registry: ghcr.io/acme
        python_version: "3.11"
        packages: [numpy, pandas]
        apt_packages: [git]
        env: {FOO: bar}
        requirements: requirements.txt
        copy: [data]

        """

    @Test("prints flytekit's image name for a YAML spec")
    func printsName() throws {
        let directory = try Self.directory([
            "image.yaml": Self.docsYAML, "requirements.txt": "polars\n", "data/a.csv": "1,2\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Self.imagespec(["name", directory + "/image.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let name = result.stdout.trimmingCharacters(in: .newlines)
        #expect(name.hasPrefix("ghcr.io/acme/yaml-img:"))
        #expect(name == (try Self.flytekitName(spec: directory + "/image.yaml", cwd: directory)))
    }

    @Test("--json prints image, tag, id, registry, name, platform and warnings")
    func json() throws {
        let directory = try Self.directory(["image.yaml": "name: WF\nregistry: localhost:30000\npython_version: 3.10\n"]
        )
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Self.imagespec(["name", "--json", "--host-machine", "aarch64", directory + "/image.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(Set(object.keys) == ["image", "tag", "id", "registry", "name", "platform", "warnings"])
        #expect(object["name"] as? String == "wf")
        #expect(object["registry"] as? String == "localhost:30000")
        #expect(object["platform"] as? String == "linux/arm64")
        #expect(object["image"] as? String == "localhost:30000/wf:\(object["tag"] as? String ?? "")")
        let warnings = try #require(object["warnings"] as? [String])
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("python_version") == true)

        let plain = try Self.directory(["image.yaml": "name: wf\n"])
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let unset = try Self.imagespec(["name", "--json", plain + "/image.yaml"])
        #expect(unset.stdout.contains("\"registry\":null"))
    }

    @Test("--cwd resolves relative paths as flytekit does from that directory")
    func cwdOverride() throws {
        let directory = try Self.directory([
            "specs/image.yaml": "name: wf\nrequirements: requirements.txt\n",
            "specs/requirements.txt": "numpy\n", "requirements.txt": "pandas\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spec = directory + "/specs/image.yaml"
        let byFile = try Self.imagespec(["name", spec]).check().stdout
        let byCWD = try Self.imagespec(["name", "--cwd", directory, spec]).check().stdout
        #expect(byFile != byCWD)
        #expect(byCWD.trimmingCharacters(in: .newlines) == (try Self.flytekitName(spec: spec, cwd: directory)))
        #expect(
            byFile.trimmingCharacters(in: .newlines) == (try Self.flytekitName(spec: spec, cwd: directory + "/specs")))
    }

    @Test(
        "bad input: one line on standard error, exit 2, no stack trace",
        arguments: [
            ("name: wf\npackages: numpy\n", "image.yaml:2:11: field 'packages': must be a list of strings"),
            ("- a\n", "image.yaml:1:1: the spec must be a mapping"),
            (
                "name: wf\nrequirements: missing.txt\n",
                "image.yaml:2:15: field 'requirements': file 'missing.txt' does not exist"
            ),
            ("name: a\nname: b\n", "image.yaml:1:1: duplicate key 'name'"),
            ("tag_format: '{tag}'\n", "image.yaml:1:13: field 'tag_format': "),
            ("copy: [../x]\n", "image.yaml:1:8: field 'copy[0]': '../x' is absolute or contains '..'"),
        ])
    func badInput(yaml: String, expected: String) throws {
        let directory = try Self.directory(["image.yaml": yaml])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Self.imagespec(["name", "image.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("error: " + expected) == true, "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test("non-UTF-8 and missing files are one-line errors too")
    func unreadable() throws {
        let directory = try Self.directory([:])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0x0A]).write(
            to: URL(fileURLWithPath: directory + "/bad.yaml"))
        let bad = try Self.imagespec(["name", "bad.yaml"], in: directory)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("error: bad.yaml:1:7: the file is not UTF-8 text (byte 0xFF)"))
        let missing = try Self.imagespec(["name", "nope.yaml"], in: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: nope.yaml: no such file — check the path\n")
    }

    @Test("validate lists every problem, one per line, and exits 2; a good spec exits 0")
    func validate() throws {
        let directory = try Self.directory([
            "bad.yaml": "name: wf\npakages: [x]\npackages: x\nregistry: 'a b'\npython_version: 3.10\n",
            "good.yaml": "name: wf\npackages: [numpy]\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bad = try Self.imagespec(["validate", "bad.yaml", "good.yaml"], in: directory)
        #expect(bad.status == 2)
        let lines = bad.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(bad.stderr)")
        #expect(lines.map { $0.prefix(11) } == ["bad.yaml:2:", "bad.yaml:3:", "bad.yaml:4:", "bad.yaml:5:"])
        #expect(lines[3].contains("warning"))
        #expect(bad.stdout.hasPrefix("good.yaml: ok: wf:"))

        let good = try Self.imagespec(["validate", "good.yaml"], in: directory)
        #expect(good.status == 0)
        #expect(good.stderr.isEmpty)
    }

    @Test("help says relative paths resolve against the spec file's directory")
    func help() throws {
        for command in ["name", "validate"] {
            let result = try Self.imagespec([command, "--help"])
            #expect(result.status == 0)
            let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(text.contains("resolved against the spec file's directory"), "\(command)")
            #expect(text.contains("--cwd"))
        }
    }
}
