import Foundation
import Testing

@testable import Spec

/// The flytekit-generated vectors' intermediate file digests: `copy_digest`, `source_root_digest` with
/// `source_files_hashed`, and `requirements_sha1`.
@Suite("flytekit file digests (vectors)")
struct FilesVectorTests {
    @Test("the fixture has the 52 vectors and the file-digest ones")
    func fixtureLoads() throws {
        let vectors = try FlytekitVector.all()
        #expect(vectors.count == 52)
        #expect(vectors.filter { $0.expectedString("copy_digest") != nil }.count == 3)
        #expect(vectors.filter { $0.expectedString("source_root_digest") != nil }.count == 5)
        #expect(vectors.filter { $0.expectedString("requirements_sha1") != nil }.count == 3)
    }

    @Test("copy digest", arguments: FlytekitVector.named { $0.expectedString("copy_digest") != nil })
    func copyDigest(vector: FlytekitVector) throws {
        let directory = try vector.materialise()
        defer { removeWorkingDirectory(directory) }
        let copy = vector.spec?.substitutingCWD(directory)["copy"]?.array
        let paths = try #require(copy).compactMap { $0.string }
        #expect(
            try CopyDigest.compute(paths: paths, workingDirectory: directory) == vector.expectedString("copy_digest"))
    }

    @Test(
        "source_root digest and hashed files",
        arguments: FlytekitVector.named { $0.expectedString("source_root_digest") != nil })
    func sourceRootDigest(vector: FlytekitVector) throws {
        let directory = try vector.materialise()
        defer { removeWorkingDirectory(directory) }
        let spec = try #require(vector.spec?.substitutingCWD(directory))
        let root = try #require(spec["source_root"]?.string)
        let mode: SourceRootDigest.Mode
        switch spec["source_copy_mode"]?.string {
        case "ALL":
            mode = .all
        case "LOADED_MODULES", nil:
            mode = .files(Self.moduleFiles(vector, workingDirectory: directory))
        default:
            Issue.record("unexpected mode")
            return
        }
        let result = try SourceRootDigest.compute(root: root, workingDirectory: directory, mode: mode)
        #expect(result.digest == vector.expectedString("source_root_digest"))
        let expectedFiles = vector.expected["source_files_hashed"]?.array?.compactMap { $0.string }
        #expect(result.files == expectedFiles)
    }

    @Test("requirements sha1", arguments: FlytekitVector.named { $0.expectedString("requirements_sha1") != nil })
    func requirementsSHA1(vector: FlytekitVector) throws {
        let directory = try vector.materialise()
        defer { removeWorkingDirectory(directory) }
        let path = try #require(vector.spec?["requirements"]?.string)
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
        #expect(FlytekitHash.sha1HexOfStripped(data) == vector.expectedString("requirements_sha1"))
    }

    /// What `import <module>` puts in `sys.modules` for the vector's `loaded_modules`: every package's
    /// `__init__.py` on the way, then the module file, as absolute paths (the plugin sends `__file__` values).
    static func moduleFiles(_ vector: FlytekitVector, workingDirectory: String) -> [String] {
        guard let loaded = vector.json["loaded_modules"], let base = loaded["sys_path"]?.string else { return [] }
        var files: [String] = []
        for module in loaded["modules"]?.array?.compactMap(\.string) ?? [] {
            let parts = module.split(separator: ".").map(String.init)
            var directory = workingDirectory + "/" + base
            for package in parts.dropLast() {
                directory += "/" + package
                files.append(directory + "/__init__.py")
            }
            files.append(directory + "/" + parts.last! + ".py")
        }
        return files
    }
}
