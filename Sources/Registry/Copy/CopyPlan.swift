import OCI

/// What an ``ImageCopier`` will write, resolved from the source before anything is written: the manifests in push
/// order and every distinct blob they reference.
struct CopyPlan: Sendable {
    /// A manifest to push, with the platform its index entry names (if any).
    struct PlannedManifest: Sendable {
        /// The exact bytes and media type, as served by the source.
        let raw: Raw<Manifest>
        /// The platform of the index entry that pointed at it.
        let platform: Platform?
    }

    /// The digest the source reference resolved to (before any platform selection).
    let sourceDigest: Digest
    /// The manifest the destination reference will point at, pushed last.
    let top: PlannedManifest
    /// Manifests pushed by digest before ``top``; a manifest always comes after the manifests it references.
    private(set) var children: [PlannedManifest] = []
    /// Distinct layer blobs, in first-seen order.
    private(set) var layers: [Descriptor] = []
    /// Distinct config blobs, in first-seen order.
    private(set) var configs: [Descriptor] = []
    private var seenBlobs: Set<Digest> = []
    private var seenManifests: Set<Digest> = []

    init(sourceDigest: Digest, top: PlannedManifest) {
        self.sourceDigest = sourceDigest
        self.top = top
        seenManifests.insert(top.raw.digest)
    }

    /// Every blob: layers first, largest first (with a bounded number in flight the big ones should not start
    /// last), then configs.
    var blobs: [Descriptor] {
        layers.enumerated().sorted { ($0.element.size, $1.offset) > ($1.element.size, $0.offset) }.map(\.element)
            + configs
    }

    /// Adds the config and layers of an image manifest (each digest once).
    mutating func addBlobs(of manifest: ImageManifest) {
        for layer in manifest.layers where seenBlobs.insert(layer.digest).inserted {
            layers.append(layer)
        }
        if seenBlobs.insert(manifest.config.digest).inserted {
            configs.append(manifest.config)
        }
    }

    /// Adds a child manifest to push by digest; false when it is already planned.
    @discardableResult
    mutating func addChild(_ child: PlannedManifest) -> Bool {
        guard seenManifests.insert(child.raw.digest).inserted else { return false }
        children.append(child)
        return true
    }

    /// Whether a manifest with `digest` is already planned.
    func hasManifest(_ digest: Digest) -> Bool {
        seenManifests.contains(digest)
    }
}
