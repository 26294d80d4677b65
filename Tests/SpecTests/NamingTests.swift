import Foundation
import TestSupport
import Testing

@testable import Spec

/// Naming beyond the vectors: nested base specs, the naming context (working directory, loaded modules, file-list
/// override), tag_format errors and file errors.
@Suite("naming")
struct NamingTests {
    /// A fresh directory with `files` (relative path → content).
    static func directory(_ files: [String: String]) throws -> String {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-naming")
        for (path, content) in files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: full))
        }
        return directory
    }

    @Test("a nested base spec is its image name in the tag and its own field dict in the id")
    func nestedBaseSpec() throws {
        let directory = try Self.directory(["base.txt": "numpy\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let context = NamingContext(workingDirectory: directory, hostMachine: "x86_64")
        let base = try ImageSpec(
            name: "Base", registry: "ghcr.io/acme", requirements: "base.txt", hostMachine: "x86_64")
        let spec = try ImageSpec(name: "wf", baseImage: .spec(base), hostMachine: "x86_64")
        let naming = try spec.naming(in: context)
        let baseName = try base.imageName(in: context)
        #expect(naming.baseImageName == baseName)
        #expect(naming.tagHashInput == "{'name': 'wf', 'base_image': '\(baseName)', 'platform': 'linux/amd64'}")
        #expect(
            naming.idHashInput == "{'name': 'wf', 'base_image': {'name': 'base', 'registry': 'ghcr.io/acme', "
                + "'requirements': 'base.txt', 'platform': 'linux/amd64'}, 'platform': 'linux/amd64'}")
        // Changing the base's requirements changes the outer tag, not the outer id.
        try Data("pandas\n".utf8).write(to: URL(fileURLWithPath: directory + "/base.txt"))
        let changed = try spec.naming(in: context)
        #expect(changed.tag != naming.tag)
        #expect(changed.id == naming.id)
    }

    @Test("relative paths resolve against the context's working directory")
    func workingDirectory() throws {
        let one = try Self.directory(["requirements.txt": "numpy\n"])
        let two = try Self.directory(["requirements.txt": "pandas\n"])
        defer {
            try? FileManager.default.removeItem(atPath: one)
            try? FileManager.default.removeItem(atPath: two)
        }
        let spec = try ImageSpec(name: "wf", requirements: "requirements.txt")
        let first = try spec.naming(in: NamingContext(workingDirectory: one))
        let second = try spec.naming(in: NamingContext(workingDirectory: two))
        #expect(first.requirementsSHA1 == FlytekitHash.sha1HexOfStripped(Data("numpy".utf8)))
        #expect(first.tag != second.tag)
        #expect(first.id == second.id)
    }

    @Test("LOADED_MODULES: module list from the context, a relative root never matches, unknown list is an error")
    func loadedModules() throws {
        let directory = try Self.directory(["src/pkg/__init__.py": "", "src/pkg/mod.py": "X = 1\n", "src/other.py": ""])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let absolute = try ImageSpec(name: "wf", sourceRoot: directory + "/src")
        let modules = [directory + "/src/pkg/__init__.py", directory + "/src/pkg/mod.py", "/usr/lib/python3/os.py"]
        let named = try absolute.naming(in: NamingContext(workingDirectory: directory, loadedModuleFiles: modules))
        #expect(named.sourceFiles == ["pkg/__init__.py", "pkg/mod.py"])

        let unknown = #expect(throws: SpecError.self) {
            try absolute.naming(in: NamingContext(workingDirectory: directory))
        }
        #expect(unknown?.field == .sourceCopyMode)
        #expect(unknown?.message.contains("source_copy_mode: ALL") == true)

        let relative = try ImageSpec(name: "wf", sourceRoot: "src")
        let nothing = try relative.naming(in: NamingContext(workingDirectory: directory))
        #expect(nothing.sourceRootDigest == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(nothing.sourceFiles == [])

        // The explicit file-list override wins over walking the tree.
        let all = try ImageSpec(name: "wf", sourceRoot: directory + "/src", sourceCopyMode: .all)
        let walked = try all.naming(in: NamingContext(workingDirectory: directory))
        #expect(walked.sourceFiles == ["other.py", "pkg/__init__.py", "pkg/mod.py"])
        let overridden = try all.naming(
            in: NamingContext(workingDirectory: directory, sourceRootFiles: [directory + "/src/other.py"]))
        #expect(overridden.sourceFiles == ["other.py"])
        #expect(overridden.tag != walked.tag)
    }

    @Test("tag_format errors carry str.format's exception")
    func tagFormatErrors() throws {
        for (format, type) in [("{other}", "KeyError"), ("{", "ValueError"), ("{0}", "IndexError")] {
            let spec = try ImageSpec(name: "wf", tagFormat: format)
            let error = #expect(throws: SpecError.self) {
                try spec.naming(in: NamingContext(workingDirectory: "/"))
            }
            #expect(error?.kind == .invalidTagFormat)
            #expect(error?.pythonException?.rawValue == type)
        }
        let truncated = try ImageSpec(name: "wf", tagFormat: "{spec_hash:.8}-x").naming(
            in: NamingContext(workingDirectory: "/"))
        #expect(truncated.tag.count == 10)
        #expect(truncated.imageName == "wf:" + truncated.tag)
    }

    @Test("requirements errors name the path and match Python's exceptions")
    func requirementsErrors() throws {
        let directory = try Self.directory(["reqs/a.txt": "x"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let context = NamingContext(workingDirectory: directory)
        let missing = #expect(throws: SpecError.self) {
            try ImageSpec(requirements: "nope.txt").naming(in: context)
        }
        #expect(missing?.pythonMessage == "[Errno 2] No such file or directory: 'nope.txt'")
        #expect(missing?.message.contains(directory + "/nope.txt") == true)
        let folder = #expect(throws: SpecError.self) { try ImageSpec(requirements: "reqs").naming(in: context) }
        #expect(folder?.pythonException?.rawValue == "IsADirectoryError")
        #expect(try ImageSpec(requirements: "").naming(in: context).requirementsSHA1 == nil)
    }

    @Test("paths with a NUL character: Python's ValueError, or skipped like any missing copy entry")
    func nulPaths() throws {
        let directory = try Self.directory(["present": "x"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let context = NamingContext(workingDirectory: directory)
        let requirements = #expect(throws: SpecError.self) {
            try ImageSpec(requirements: "present\u{0}x").naming(in: context)
        }
        #expect(requirements?.pythonMessage == "embedded null byte")
        let root = #expect(throws: SpecError.self) {
            try ImageSpec(sourceRoot: "present\u{0}x", sourceCopyMode: .all).naming(in: context)
        }
        #expect(root?.pythonException?.rawValue == "ValueError")
        // os.path.exists() is False for such a path, so compute_digest skips it: the digest of nothing.
        let copy = try ImageSpec(copy: ["present\u{0}x"]).naming(in: context)
        #expect(copy.copyDigest == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test("source_copy_mode without source_root fails when naming, with flytekit's message")
    func copyModeWithoutRoot() throws {
        let spec = try ImageSpec(name: "Wf", sourceCopyMode: .all)
        let error = #expect(throws: SpecError.self) { try spec.naming(in: NamingContext(workingDirectory: "/")) }
        #expect(error?.pythonMessage == "Field source_root for image spec wf must be set when copy is set")
        // NO_COPY hashes the raw source_root string instead.
        let noCopy = try ImageSpec(sourceRoot: "anything", sourceCopyMode: .noCopy)
        #expect(
            try noCopy.naming(in: NamingContext(workingDirectory: "/")).tagHashInput.contains(
                "'source_root': 'anything'"))
    }

    @Test("the id drops registry_config only from the tag; builder, pip_secret_mounts, runtime_packages from both")
    func exclusions() throws {
        let plain = try ImageSpec(name: "wf")
        let extra = try ImageSpec(
            name: "wf", builder: "noop", pipSecretMounts: [PipSecretMount(source: "a", target: "b")],
            registryConfig: "/cfg.json", runtimePackages: ["x"])
        let context = NamingContext(workingDirectory: "/")
        #expect(try plain.tag(in: context) == extra.tag(in: context))
        #expect(plain.id != extra.id)
        #expect(extra.idHashInput.hasSuffix("'registry_config': '/cfg.json'}"))
    }
}
