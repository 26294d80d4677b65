import Foundation
import Testing

@testable import Spec

/// Every flytekit-generated vector, end to end: files materialised, the spec loaded from its JSON kwargs or YAML
/// text through `SpecLoader`, named, and compared with flytekit's own values — tag, image name, id, the effective
/// fields, both exact hash inputs, the md5 before `-`→`_`, and the file digests. The same spec is also built
/// through the model alone (`ImageSpec(pythonArguments:)`) and must name identically.
@Suite("flytekit vectors: naming")
struct VectorTests {
    static let valid = FlytekitVector.named { $0.expected["error"] == nil }
    static let failing = FlytekitVector.named { $0.expected["error"] != nil }

    @Test("the fixture splits into 48 named vectors and 4 error vectors")
    func fixtureShape() {
        #expect(Self.valid.count == 48)
        #expect(Self.failing.count == 4)
    }

    @Test("names like flytekit", arguments: valid)
    func names(vector: FlytekitVector) throws {
        let directory = try vector.materialise()
        defer { removeWorkingDirectory(directory) }
        let context = Self.context(vector, directory: directory)
        let loaded = try Self.load(vector, directory: directory, context: context)
        let naming = try loaded.naming()
        let expected = vector.expected

        #expect(naming.tag == expected["tag"]?.string)
        #expect(naming.imageName == expected["image_name"]?.string)
        if let id = expected["id"]?.string {
            #expect(naming.id == id)
        }
        #expect(naming.tagHashInput == expected["tag_hash_input"]?.string)
        #expect(naming.tagDigest == expected["tag_md5_b64"]?.string)
        #expect(
            naming.idHashInput.replacingOccurrences(of: directory, with: "$CWD") == expected["id_hash_input"]?.string)
        #expect(naming.requirementsSHA1 == expected["requirements_sha1"]?.string)
        #expect(naming.copyDigest == expected["copy_digest"]?.string)
        #expect(naming.sourceRootDigest == expected["source_root_digest"]?.string)
        if let files = expected["source_files_hashed"]?.array {
            #expect(naming.sourceFiles == files.compactMap(\.string))
        }

        let effective = try #require(expected["effective"])
        #expect(loaded.spec.name == effective["name"]?.string)
        #expect(loaded.spec.registry == effective["registry"]?.string)
        #expect(loaded.spec.platform == effective["platform"]?.string)
        let mode: String? =
            if case .enumMember(_, let name, _)? = loaded.spec.value(of: .sourceCopyMode) { name } else { nil }
        #expect(mode == effective["source_copy_mode"]?.string)

        // The model alone (kwargs as Python receives them) names the same.
        if let text = vector.specJSONText(workingDirectory: directory) {
            let spec = try VectorKwargs.makeSpec(json: text, hostMachine: context.hostMachine)
            #expect(spec == loaded.spec)
            #expect(try spec.naming(in: context) == naming)
        }
    }

    @Test("fails like flytekit", arguments: failing)
    func fails(vector: FlytekitVector) throws {
        let directory = try vector.materialise()
        defer { removeWorkingDirectory(directory) }
        let context = Self.context(vector, directory: directory)
        let expectedType = try #require(vector.expected["error"]?["type"]?.string)
        let expectedMessage = try #require(vector.expected["error"]?["message"]?.string)
        let text = try #require(vector.specJSONText(workingDirectory: directory))

        // The model raises flytekit's exception type and message (first line).
        let modelError = #expect(throws: SpecError.self) {
            let spec = try VectorKwargs.makeSpec(json: text, hostMachine: context.hostMachine)
            _ = try spec.naming(in: context)
        }
        #expect(modelError?.pythonException?.rawValue == expectedType)
        #expect(modelError?.pythonMessage == expectedMessage)

        // The loader reports it as one located line naming the field.
        let loaderError = #expect(throws: SpecError.self) {
            _ = try SpecLoader.load(text: text, format: .json, file: "spec.json", context: context).naming()
        }
        let problem = try #require(loaderError?.diagnostics.first)
        #expect(loaderError?.diagnostics.count == 1)
        #expect(problem.field == modelError?.field?.pythonName)
        #expect(problem.description.hasPrefix("spec.json:1:"))
        #expect(!problem.description.contains("\n"))
    }

    /// The vector's naming context: its directory as CWD, its host machine, its loaded modules.
    static func context(_ vector: FlytekitVector, directory: String) -> NamingContext {
        let machine = vector.json["host_machine_override"]?.string ?? "x86_64"
        let modules: [String]? =
            vector.json["loaded_modules"] == nil
            ? nil : FilesVectorTests.moduleFiles(vector, workingDirectory: directory)
        return NamingContext(workingDirectory: directory, hostMachine: machine, loadedModuleFiles: modules)
    }

    /// Loads the vector's spec through the public loader (JSON kwargs or YAML text).
    static func load(_ vector: FlytekitVector, directory: String, context: NamingContext) throws -> LoadedSpec {
        if let yaml = vector.yaml {
            return try SpecLoader.load(text: yaml, format: .yaml, file: "spec.yaml", context: context)
        }
        let text = try #require(vector.specJSONText(workingDirectory: directory))
        return try SpecLoader.load(text: text, format: .json, file: "spec.json", context: context)
    }
}
