import Foundation
import TestSupport
import Testing

/// The plugin through flytekit's Python API and `imagespec build --flytekit-json` directly: registration and
/// priority, nested base specs, the document read from standard input, and the name check.
@Suite(.serialized) struct PluginAPITests {
    static let registration = """
        from flytekit.image_spec.image_spec import ImageBuildEngine, ImageSpec
        registry = ImageBuildEngine.get_registry()
        print(ImageSpec().builder, registry["imagespec"][1], registry["default"][1],
              type(registry["imagespec"][0]).__name__, ImageSpec(builder="default").builder)
        """

    @Test("installed as a flytekit.plugins entry point, above the default builder unless told otherwise")
    func registrationAndPriority() async throws {
        let project = try await FlyteProject.make()
        defer { project.stop() }
        #expect(try await project.python(Self.registration) == "imagespec 8 1 ImagespecBuilder default\n")
        #expect(
            try await project.python(Self.registration, environment: ["IMAGESPEC_BUILDER_PRIORITY": "0"])
                == "default 0 1 ImagespecBuilder default\n")
        let entryPoints = try await project.python(
            "from importlib.metadata import entry_points\n"
                + "print([e.value for e in entry_points(group='flytekit.plugins') if e.name == 'imagespec'])")
        #expect(entryPoints == "['flytekitplugins.imagespec']\n")
    }

    static let nested = """
        import json, sys
        from flytekit.image_spec.image_spec import ImageBuildEngine, ImageSpec
        registry, base_image = sys.argv[1], sys.argv[2]
        base = ImageSpec(name="nested-base", registry=registry, base_image=base_image, env={"LAYER": "base"})
        child = ImageSpec(name="nested-child", registry=registry, base_image=base, copy=["data"])
        ImageBuildEngine.build(child)
        print(json.dumps({"base": base.image_name(), "child": child.image_name(), "child_id": child.id}))
        """

    @Test("a nested base ImageSpec is built first and the child is built FROM its pinned digest")
    func nestedBaseSpec() async throws {
        let project = try await FlyteProject.make()
        defer { project.stop() }
        let first = try FlytekitScripts.object(
            try await project.python(Self.nested, [project.imageRegistry, project.baseImage]))
        let base = try #require(first["base"] as? String)
        let child = try #require(first["child"] as? String)
        #expect(base.hasPrefix(project.imageRegistry + "/nested-base:") && base.contains("@sha256:"))
        #expect(child.hasPrefix(project.imageRegistry + "/nested-child:") && child.contains("@sha256:"))
        let documents = try project.documents()
        let childDocument = try #require(
            documents.values.first { ($0["spec"] as? [String: Any])?["name"] as? String == "nested-child" })
        #expect((childDocument["spec"] as? [String: Any])?["base_image"] as? String == base)

        // The child's config and layers start with the base's: its first layers are the base image's layers.
        let image = try await UnpackedTaskImage.unpack(child, into: project.scratch + "/child")
        #expect(image.environment["LAYER"] == "base")
        #expect(image.environment["_F_IMG_ID"] == first["child_id"] as? String)
        #expect(try image.rootFiles() == ["data/config.txt"])

        // A second process finds both (pinning the base again), so the child keeps its name: nothing is built.
        let second = try FlytekitScripts.object(
            try await project.python(Self.nested, [project.imageRegistry, project.baseImage]))
        #expect(second["base"] as? String == base)
        #expect(second["child"] as? String == child)
        #expect(try project.documents().count == documents.count)
    }

    static let document = """
        import json, sys
        from flytekit.image_spec.image_spec import ImageSpec
        from flytekitplugins.imagespec import build_document
        spec = ImageSpec(name="doc", registry=sys.argv[1], base_image=sys.argv[2], env={"A": "1"}, copy=["data"])
        print(json.dumps(build_document(spec)))
        """

    @Test("imagespec build --flytekit-json - reads the document, bakes flytekit's id and refuses a different name")
    func documentOnStandardInput() async throws {
        let project = try await FlyteProject.make()
        defer { project.stop() }
        let text = try await project.python(Self.document, [project.imageRegistry, project.baseImage])
        var document = try FlytekitScripts.object(text)
        let flytekit = try #require(document["flytekit"] as? [String: Any])
        let name = try #require(flytekit["image_name"] as? String)
        let layout = project.scratch + "/doc.oci"

        let built = try await ExternalTool.runAsync(
            project.binary, ["build", "--flytekit-json", "-", "--no-flytekit", "--output", "oci:" + layout],
            environment: project.binaryEnvironment, input: Data(text.utf8))
        try built.check()
        // The layout holds this one image; it is read without a ref name, because flytekit's tag (URL-safe base64 of
        // a hash that includes the scratch path) is sometimes not a valid OCI ref name (`__`, a leading `_`), and then
        // the layout records it as `io.containerd.image.name` only (LayoutRefNameTests).
        let config = try await ExternalTool.runAsync(
            "skopeo", ["inspect", "--config", "oci:\(layout)"]
        ).check().stdout
        #expect(config.contains("\"_F_IMG_ID=\(try #require(flytekit["id"] as? String))\""))

        // A name flytekit did not compute: one line naming both, exit status 2, nothing built.
        var tampered = flytekit
        tampered["image_name"] = name + "x"
        document["flytekit"] = tampered
        let bad = try await ExternalTool.runAsync(
            project.binary, ["build", "--flytekit-json", "-", "--no-flytekit"], environment: project.binaryEnvironment,
            input: try JSONSerialization.data(withJSONObject: document))
        #expect(bad.status == 2)
        #expect(
            bad.stderr == "error: imagespec names this spec \(name) but flytekit named it \(name)x — refusing to "
                + "build under a name flytekit would not use; please report it with the document "
                + "(IMAGESPEC_KEEP_DOCUMENT=1 keeps it)\n")

        let both = try await ExternalTool.runAsync(
            project.binary, ["build", "spec.yaml", "--flytekit-json", "-"], environment: project.binaryEnvironment)
        #expect(
            both.status == 2 && both.stderr.hasPrefix("error: pass either the spec file spec.yaml or --flytekit-json"))
        let wrongFormat = try await ExternalTool.runAsync(
            project.binary, ["build", "--flytekit-json", "-"], environment: project.binaryEnvironment,
            input: Data(#"{"format": "imagespec.flytekit/v0", "spec": {}}"#.utf8))
        #expect(wrongFormat.status == 2)
        #expect(wrongFormat.stderr.split(separator: "\n").count == 1)
        #expect(wrongFormat.stderr.contains("field 'format': is imagespec.flytekit/v0, this imagespec reads"))
    }
}
