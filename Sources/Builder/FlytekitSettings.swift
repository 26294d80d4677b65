/// Environment variables flytekit reads for image specs, with flytekit's own parsing.
public enum FlytekitSettings {
    /// The variable that makes flytekit build and push even when the image exists.
    public static let forcePushVariable = "FLYTE_FORCE_PUSH_IMAGE_SPEC"

    /// flytekit's `str2bool`: true unless the text is `false`, `0`, `off` or `no` (any case). An empty value is
    /// therefore true, as in flytekit.
    public static func str2bool(_ text: String) -> Bool {
        !["false", "0", "off", "no"].contains(text.lowercased())
    }

    /// Whether `FLYTE_FORCE_PUSH_IMAGE_SPEC` asks for a forced build (unset: false), as `ImageSpec._is_force_push`.
    public static func forcePush(environment: [String: String]) -> Bool {
        environment[forcePushVariable].map(str2bool) ?? false
    }
}
