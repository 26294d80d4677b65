/// Whether and how `flytekit` is added to the packages, as flytekit's default builder does.
public enum FlytekitRequirement: Sendable, Hashable {
    /// Add `flytekit` (any version) unless the spec already names flytekit or union.
    case latest
    /// Add `flytekit==<version>` unless the spec already names flytekit or union (the plugin passes the local
    /// version so the image matches the client).
    case version(String)
    /// Never add it.
    case none

    /// The requirement line to add, or nil for ``none``.
    var line: String? {
        switch self {
        case .latest: "flytekit"
        case .version(let version): "flytekit==\(version)"
        case .none: nil
        }
    }
}
