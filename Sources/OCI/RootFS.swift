/// The `rootfs` object of an image configuration: the uncompressed digests (diff IDs) of the layers, base first.
public struct RootFS: Hashable, Sendable, Codable {
    /// Always `layers`.
    public var type: String
    /// sha256 of each layer's uncompressed tar, in layer order.
    public var diffIDs: [Digest]

    enum CodingKeys: String, CodingKey {
        case type
        case diffIDs = "diff_ids"
    }

    /// Creates a rootfs of type `layers`.
    public init(type: String = "layers", diffIDs: [Digest]) {
        self.type = type
        self.diffIDs = diffIDs
    }

    /// Decodes; a missing or `null` `diff_ids` is an empty list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        diffIDs = try container.decodeIfPresent([Digest].self, forKey: .diffIDs) ?? []
    }
}
