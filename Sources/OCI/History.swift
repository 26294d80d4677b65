/// One entry of an image configuration's `history`: how a layer (or an empty step) was made.
public struct History: Hashable, Sendable, Codable {
    /// When the step ran, RFC 3339 (kept as the exact string).
    public var created: String?
    /// The command that made the layer (`created_by`).
    public var createdBy: String?
    /// Author of the step.
    public var author: String?
    /// Free-form comment.
    public var comment: String?
    /// True when the step produced no layer (`empty_layer`); such entries have no diff ID.
    public var emptyLayer: Bool?

    enum CodingKeys: String, CodingKey {
        case created
        case createdBy = "created_by"
        case author, comment
        case emptyLayer = "empty_layer"
    }

    /// Creates a history entry.
    public init(
        created: String? = nil, createdBy: String? = nil, author: String? = nil, comment: String? = nil,
        emptyLayer: Bool? = nil
    ) {
        self.created = created
        self.createdBy = createdBy
        self.author = author
        self.comment = comment
        self.emptyLayer = emptyLayer
    }
}
