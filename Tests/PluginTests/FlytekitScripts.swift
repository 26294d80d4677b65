import Foundation
import TestSupport
import Testing

/// Small Python programs run with the venv's flytekit: they read what pyflyte wrote with flytekit's own model classes
/// and compute names with flytekit's own code, so the tests compare imagespec against flytekit, not against constants.
enum FlytekitScripts {
    /// `{task short name: {"image": container.image, "args": container.args}}` of every task template in a
    /// `pyflyte package` archive, read with `flytekit.models.task.TaskSpec`.
    static let templates = """
        import json, sys, tarfile
        from flyteidl.admin import task_pb2
        from flytekit.models.task import TaskSpec
        result = {}
        with tarfile.open(sys.argv[1]) as archive:
            for member in archive.getmembers():
                if member.name.endswith("_1.pb"):
                    message = task_pb2.TaskSpec()
                    message.ParseFromString(archive.extractfile(member).read())
                    template = TaskSpec.from_flyte_idl(message).template
                    if template.container is not None and template.id.name.startswith("wf."):
                        name = template.id.name.split(".")[-1]
                        result[name] = {"image": template.container.image, "args": list(template.container.args)}
        print(json.dumps(result))
        """

    /// flytekit's `image_name()` and `id` for the project's specs after flytekit's own
    /// `update_image_spec_copy_handling` for `--copy none` (argv[1] == "none") or fast packaging ("all"), plus the
    /// YAML default image read the way `--image FILE` reads it.
    static let names = """
        import json, os, sys, yaml
        from flytekit.configuration import FastSerializationSettings, ImageConfig, SerializationSettings
        from flytekit.core.python_auto_container import update_image_spec_copy_handling
        from flytekit.image_spec.image_spec import ImageSpec
        from wf import tasks
        settings = SerializationSettings(
            image_config=ImageConfig.auto_default_image(), source_root=os.getcwd(),
            fast_serialization_settings=FastSerializationSettings(enabled=sys.argv[1] == "all"))
        result = {}
        for task, spec in (("say_hello", tasks.requirements_image), ("read_config", tasks.copy_image)):
            update_image_spec_copy_handling(spec, settings)
            result[task] = {"image_name": spec.image_name(), "id": spec.id}
        with open("default-image.yaml") as file:
            default = ImageSpec(**yaml.safe_load(file))
        result["combine"] = {"image_name": default.image_name(), "id": default.id}
        print(json.dumps(result))
        """

    /// Writes a `LiteralMap` of string inputs (`argv[2:]` as `key=value`) to `argv[1]`.
    static let writeInputs = """
        import sys
        from flytekit.models.literals import Literal, LiteralMap, Primitive, Scalar
        literals = {}
        for pair in sys.argv[2:]:
            key, value = pair.split("=", 1)
            literals[key] = Literal(scalar=Scalar(primitive=Primitive(string_value=value)))
        with open(sys.argv[1], "wb") as file:
            file.write(LiteralMap(literals).to_flyte_idl().SerializeToString())
        """

    /// Prints the string outputs of a task's `outputs.pb` as JSON.
    static let readOutputs = """
        import json, sys
        from flyteidl.core import literals_pb2
        from flytekit.models.literals import LiteralMap
        message = literals_pb2.LiteralMap()
        with open(sys.argv[1], "rb") as file:
            message.ParseFromString(file.read())
        outputs = LiteralMap.from_flyte_idl(message).literals
        print(json.dumps({key: value.scalar.primitive.string_value for key, value in outputs.items()}))
        """

    /// Decodes a JSON object printed by a script.
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

/// A task template's container: image and arguments.
struct PackagedTask: Equatable {
    let image: String
    let args: [String]

    /// The `pyflyte package` archive's task templates, by task short name.
    static func read(_ archive: String, project: FlyteProject) async throws -> [String: PackagedTask] {
        let json = try FlytekitScripts.object(try await project.python(FlytekitScripts.templates, [archive]))
        var result: [String: PackagedTask] = [:]
        for (name, value) in json {
            let entry = try #require(value as? [String: Any])
            result[name] = PackagedTask(
                image: try #require(entry["image"] as? String), args: try #require(entry["args"] as? [String]))
        }
        return result
    }
}
