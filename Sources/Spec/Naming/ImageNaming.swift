/// The result of naming a spec the way flytekit does, with every intermediate value (for tests, `--json` and
/// `--explain`).
public struct ImageNaming: Sendable, Hashable, Codable {
    /// `image_name()`: `registry/name:tag`, or `name:tag` when the registry is empty or unset.
    public let imageName: String
    /// `tag`: the spec hash with `-` replaced by `_`, passed through `tag_format` if set.
    public let tag: String
    /// `id`: md5 of the unsubstituted field dict (flytekit bakes it into images as `_F_IMG_ID`).
    public let id: String
    /// `name`, lowercased.
    public let name: String
    /// `registry`, lowercased (`nil` when unset).
    public let registry: String?
    /// `platform` after defaulting.
    public let platform: String?
    /// The exact text md5'd for the tag: `str()` of the substituted field dict.
    public let tagHashInput: String
    /// base64url(md5(tagHashInput)) without padding, before `-`→`_` and `tag_format`.
    public let tagDigest: String
    /// The exact text md5'd for `id`.
    public let idHashInput: String
    /// sha1 hex of the stripped `requirements` file, when one was read.
    public let requirementsSHA1: String?
    /// md5 hex of the `copy` entries, when `copy` is non-empty.
    public let copyDigest: String?
    /// md5 hex of the `source_root` files, when they were hashed.
    public let sourceRootDigest: String?
    /// The hashed `source_root` files, relative to it, in hash order.
    public let sourceFiles: [String]?
    /// `source_root` directories (relative to it, `""` for the root itself) that could not be listed: flytekit skips
    /// them silently, so their files are neither hashed nor copied (a build refuses them); nil when there are none.
    public let unreadableSourceDirectories: [String]?
    /// The nested base spec's image name, when `base_image` is a spec.
    public let baseImageName: String?
}
