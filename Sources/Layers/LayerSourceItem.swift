/// One host file or directory to place in a layer, as `copy` and `source_root` files are.
public struct LayerSourceItem: Sendable, Hashable {
    /// The host path. A symlink given here is followed; symlinks found inside a directory are kept as symlinks.
    public var source: String
    /// Where it lands inside the layer (normalised by ``LayerPath/normalise(_:what:)``), e.g. `root/app/main.py`.
    public var destination: String

    /// Creates an item.
    public init(source: String, destination: String) {
        self.source = source
        self.destination = destination
    }
}
