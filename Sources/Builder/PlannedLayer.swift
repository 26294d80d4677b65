import Layers

/// A layer to add on top of the base: its entries and how the history should describe it.
public struct PlannedLayer: Sendable, Hashable {
    /// What the layer holds.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Installed Python distributions.
        case package
        /// `source_root` / `copy` files under `/root`.
        case files
        /// What `apt_packages` installed (run in the image).
        case apt
        /// What the spec's `commands` changed (run in the image).
        case commands
    }

    /// What the layer holds.
    public var kind: Kind
    /// The history's `created_by`.
    public var createdBy: String
    /// `name==version` of each distribution in it (empty for files).
    public var packages: [String]
    /// The entries.
    public var source: LayerSource

    /// Creates a planned layer.
    public init(kind: Kind, createdBy: String, packages: [String], source: LayerSource) {
        self.kind = kind
        self.createdBy = createdBy
        self.packages = packages
        self.source = source
    }
}
