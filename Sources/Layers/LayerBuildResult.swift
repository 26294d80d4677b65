/// A layer blob and whether it came from ``LayerCache`` without any tar or compression work.
public struct LayerBuildResult: Sendable, Hashable {
    /// The finished blob.
    public let blob: LayerBlob
    /// `true` when the blob was found in the cache; `false` when it was built now.
    public let cacheHit: Bool

    /// Creates a result.
    public init(blob: LayerBlob, cacheHit: Bool) {
        self.blob = blob
        self.cacheHit = cacheHit
    }
}
