/// A host path bound into the root for the run only (never part of the layer).
public struct RunBind: Sendable, Hashable {
    /// The host file or directory.
    public var source: String
    /// Where it appears inside the image (absolute). A target missing from the image is created for the run and
    /// left out of the layer.
    public var target: String
    /// Whether the command may only read it.
    public var readOnly: Bool

    /// Creates a bind.
    public init(source: String, target: String, readOnly: Bool = true) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }
}
