import Spec

/// The `imagespec name --json` object.
struct NameReport: Encodable {
    /// `image_name()`.
    let image: String
    /// The tag.
    let tag: String
    /// flytekit's `id` (`_F_IMG_ID`).
    let id: String
    /// The registry, or null.
    let registry: String?
    /// The image name without registry and tag.
    let name: String
    /// The platform.
    let platform: String?
    /// Warnings about the spec, one line each.
    let warnings: [String]
    /// The hash inputs and digests (with `--explain`).
    let explain: ImageNaming?

    /// A report for `naming`.
    init(naming: ImageNaming, warnings: [SpecDiagnostic], explain: Bool) {
        image = naming.imageName
        tag = naming.tag
        id = naming.id
        registry = naming.registry
        name = naming.name
        platform = naming.platform
        self.warnings = warnings.map(\.description)
        self.explain = explain ? naming : nil
    }

    private enum CodingKeys: String, CodingKey {
        case image, tag, id, registry, name, platform, warnings, explain
    }

    /// Encodes `registry` and `platform` as explicit nulls when unset.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        try container.encode(tag, forKey: .tag)
        try container.encode(id, forKey: .id)
        try container.encode(registry, forKey: .registry)
        try container.encode(name, forKey: .name)
        try container.encode(platform, forKey: .platform)
        try container.encode(warnings, forKey: .warnings)
        try container.encodeIfPresent(explain, forKey: .explain)
    }
}
