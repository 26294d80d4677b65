import Foundation
import Testing

@testable import Spec

/// The `ImageSpec` model: flytekit 1.16's defaults, `__post_init__` normalisation and validation, and the `with…`
/// helpers.
@Suite("model: ImageSpec")
struct ModelTests {
    @Test("defaults: every field None except name and the defaulted platform")
    func defaults() throws {
        let spec = try ImageSpec(hostMachine: "x86_64")
        #expect(spec.name == "flytekit")
        #expect(spec.platform == "linux/amd64")
        #expect(spec.setFields == [.name, .platform])
        #expect(spec.idHashInput == "{'name': 'flytekit', 'platform': 'linux/amd64'}")
        #expect(spec.sourceCopyMode == nil)
        #expect(ImageSpecField.allCases.count == 29)
        #expect(ImageSpecField.allCases.first == .name && ImageSpecField.allCases.last == .builderConfig)
    }

    @Test("name and registry are lowercased like Python's str.lower (Final_Sigma, İ)")
    func lowercasing() throws {
        let spec = try ImageSpec(name: "My_ΣΑΣ_İmage", registry: "GHCR.io/FlyteOrg/ΣΑΣ", hostMachine: "x86_64")
        #expect(spec.name == "my_σας_i\u{307}mage")
        #expect(spec.registry == "ghcr.io/flyteorg/σας")
    }

    @Test(
        "valid registries (flytekit's pattern with Python re semantics)",
        arguments: [
            "localhost:30000", "ghcr.io/flyteorg", "acme", "us-central1-docker.pkg.dev/my-proj/my-repo",
            "127.0.0.1:5000/a/b", "ghcr.io/acme\n", "ghcr.io/ünïcode/δοκιμή", "host:١٢٣/x", "a.b_c-d:5/x.y-z_w",
        ])
    func validRegistry(registry: String) throws {
        let spec = try ImageSpec(registry: registry, hostMachine: "x86_64")
        #expect(spec.registry == PythonUnicode.lower(registry))
    }

    @Test(
        "invalid registries raise flytekit's ValueError",
        arguments: [
            "ghcr.io/my org", "https://ghcr.io/x", "ghcr.io/a:latest/b", "host:123456", "/leading", "ghcr.io//double",
            "ghcr.io/a/", "ghcr.io/acme\n\n", "host:/x", "ghcr.io/a\u{301}",
        ])
    func invalidRegistry(registry: String) {
        let error = #expect(throws: SpecError.self) { try ImageSpec(registry: registry, hostMachine: "x86_64") }
        #expect(error?.kind == .invalidRegistry)
        #expect(error?.pythonException?.rawValue == "ValueError")
        #expect(error?.pythonMessage == "Invalid container registry name: '\(PythonUnicode.lower(registry))'.")
        #expect(error?.description.hasPrefix("field 'registry': ") == true)
    }

    @Test("an empty registry is kept (and hashed) without validation")
    func emptyRegistry() throws {
        let spec = try ImageSpec(name: "wf", registry: "", hostMachine: "arm64")
        #expect(spec.registry == "")
        #expect(spec.platform == "linux/amd64")
        #expect(try spec.imageName(in: NamingContext(workingDirectory: "/")).hasPrefix("wf:"))
    }

    @Test(
        "platform default: linux/arm64 only for a localhost: registry on an ARM64 host",
        arguments: [
            ("localhost:30000", "arm64", "linux/arm64"), ("LOCALHOST:30000", "AARCH64", "linux/arm64"),
            ("localhost:30000", "x86_64", "linux/amd64"), ("ghcr.io/acme", "arm64", "linux/amd64"),
            ("localhost", "arm64", "linux/amd64"), (nil, "aarch64", "linux/amd64"),
        ] as [(String?, String, String)])
    func platformDefault(registry: String?, machine: String, platform: String) throws {
        #expect(try ImageSpec(registry: registry, hostMachine: machine).platform == platform)
        #expect(
            try ImageSpec(registry: registry, platform: "linux/s390x", hostMachine: machine).platform == "linux/s390x")
    }

    @Test("source_copy_mode defaults to LOADED_MODULES when source_root is set (even to \"\")")
    func copyModeDefault() throws {
        #expect(try ImageSpec(sourceRoot: "src").sourceCopyMode == .loadedModules)
        #expect(try ImageSpec(sourceRoot: "").sourceCopyMode == .loadedModules)
        #expect(try ImageSpec(sourceRoot: "src", sourceCopyMode: .all).sourceCopyMode == .all)
        #expect(try ImageSpec().sourceCopyMode == nil)
        #expect(try ImageSpec(sourceCopyMode: .noCopy).sourceCopyMode == .noCopy)
    }

    @Test("list-of-strings fields reject other values with flytekit's message, in flytekit's order")
    func listFields() {
        for field in ImageSpecField.listOfStringFields {
            for bad: PyValue in [.str("numpy"), .list([.str("a"), .int(1)]), .dict(PyDict()), .tuple([.str("a")])] {
                let error = #expect(throws: SpecError.self) {
                    try ImageSpec(pythonArguments: PyDict([(key: .str(field.pythonName), value: bad)]))
                }
                #expect(error?.field == field)
                #expect(error?.pythonMessage == "\(field.pythonName) must be a list of strings or None")
            }
        }
        // packages is checked before commands.
        let error = #expect(throws: SpecError.self) {
            try ImageSpec(
                pythonArguments: PyDict([
                    (key: "commands", value: .str("x")), (key: "packages", value: .str("y")),
                ]))
        }
        #expect(error?.field == .packages)
    }

    @Test("pip_secret_mounts must be (str, str) tuples; builder_options a dict; unknown keys are TypeErrors")
    func otherValidation() throws {
        let mounts = try ImageSpec(pipSecretMounts: [PipSecretMount(source: ".netrc", target: "/root/.netrc")])
        #expect(mounts.pipSecretMounts == [PipSecretMount(source: ".netrc", target: "/root/.netrc")])
        for bad: PyValue in [.list([.list([.str("a"), .str("b")])]), .list([.tuple([.str("a")])]), .str("x")] {
            let error = #expect(throws: SpecError.self) {
                try ImageSpec(pythonArguments: PyDict([(key: "pip_secret_mounts", value: bad)]))
            }
            #expect(error?.pythonMessage == "pip_secret_mounts must be a list of tuples of two strings or None")
        }
        let options = #expect(throws: SpecError.self) {
            try ImageSpec(pythonArguments: PyDict([(key: "builder_options", value: .list([]))]))
        }
        #expect(options?.pythonMessage == "builder_options must be a dictionary or None")
        let unknown = #expect(throws: SpecError.self) {
            try ImageSpec(pythonArguments: PyDict([(key: "pakages", value: .list([]))]))
        }
        #expect(unknown?.pythonException?.rawValue == "TypeError")
        #expect(unknown?.pythonMessage == "ImageSpec.__init__() got an unexpected keyword argument 'pakages'")
        #expect(unknown?.message.contains("did you mean 'packages'") == true)
        let nameless = #expect(throws: SpecError.self) {
            try ImageSpec(pythonArguments: PyDict([(key: "name", value: .none)]))
        }
        #expect(nameless?.pythonMessage == "'NoneType' object has no attribute 'lower'")
    }

    @Test("values keep their Python types; typed accessors show Python's str()")
    func pythonTypes() throws {
        let spec = try ImageSpec(
            pythonArguments: PyDict([
                (key: "python_version", value: .float(3.1)),
                (key: "env", value: .dict(PyDict([(key: "A", value: .int(1)), (key: "B", value: .none)]))),
                (key: "cudnn", value: .int(8)),
            ]))
        #expect(spec.value(of: .pythonVersion) == .float(3.1))
        #expect(spec.pythonVersion == "3.1")
        #expect(spec.cudnn == "8")
        #expect(spec.env?.map(\.name) == ["A", "B"])
        #expect(spec.env?.map(\.value) == ["1", "None"])
        #expect(
            spec.idHashInput == "{'name': 'flytekit', 'python_version': 3.1, 'env': {'A': 1, 'B': None}, "
                + "'cudnn': 8, 'platform': 'linux/amd64'}")
    }

    @Test("with… helpers append, extend and update like flytekit's _update_attribute, and revalidate")
    func builders() throws {
        let base = try ImageSpec(name: "wf", packages: ["numpy"])
        let more = try base.withPackages("pandas").withPackages(["polars", "torch"])
        #expect(more.packages == ["numpy", "pandas", "polars", "torch"])
        #expect(base.packages == ["numpy"])
        #expect(try base.withAptPackages("git").aptPackages == ["git"])
        #expect(try base.withCommands(["a", "b"]).withCommands("c").commands == ["a", "b", "c"])
        #expect(try base.withCopy("data").copy == ["data"])
        #expect(try base.withRuntimePackages(["x"]).runtimePackages == ["x"])
        let options = try base.withBuilderOptions(["a": 1, "b": "x"]).withBuilderOptions(["a": 2, "c": .none])
        #expect(options.builderOptions.map { PythonRepr.repr(.dict($0)) } == "{'a': 2, 'b': 'x', 'c': None}")
        #expect(throws: SpecError.self) { try base.replacing(.registry, with: "bad registry") }
        let garbage = try ImageSpec(pythonArguments: PyDict([(key: "copy", value: .str("data"))]))
        let error = #expect(throws: SpecError.self) { try garbage.withCopy("more") }
        #expect(error?.pythonMessage == "Cannot extend non-list attribute copy")
    }

    @Test("equality and hashing follow the field values")
    func equality() throws {
        let a = try ImageSpec(name: "WF", packages: ["x"])
        let b = try ImageSpec(name: "wf", packages: ["x"])
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(try a != ImageSpec(name: "wf", packages: ["y"]))
        let nested = try ImageSpec(baseImage: .spec(a))
        #expect(nested.baseImage == .spec(b))
    }
}
