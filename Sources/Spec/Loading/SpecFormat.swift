/// The syntax of a spec file.
public enum SpecFormat: String, Sendable, Hashable {
    /// YAML, read as flytekit reads it (`yaml.safe_load`, then `ImageSpec(**mapping)`): values keep their YAML 1.1
    /// types, `source_copy_mode` stays a string, no nested base specs.
    case yaml
    /// JSON in the flytekit plugin's convention: the same keys, `source_copy_mode` by member name (`"ALL"`),
    /// `pip_secret_mounts` as two-element lists, a nested base spec as `"base_image": {"image_spec": {…}}`.
    case json

    /// The format a file name suggests: `.json` is JSON, anything else YAML.
    public static func guess(path: String) -> SpecFormat {
        path.lowercased().hasSuffix(".json") ? .json : .yaml
    }
}
