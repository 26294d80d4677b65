import Layers
import OCI

/// One layer the build added, with where it came from.
public struct BuiltLayer: Sendable, Hashable {
    /// The blob (in the layer cache).
    public var blob: LayerBlob
    /// What it holds and its history line.
    public var kind: PlannedLayer.Kind
    /// The history's `created_by`.
    public var createdBy: String
    /// `name==version` of the distributions in it.
    public var packages: [String]
    /// Whether the layer cache already had it.
    public var cacheHit: Bool
}

/// The image built for one platform: base, new layers, config and manifest (not yet written anywhere).
public struct BuiltImage: Sendable {
    /// The platform.
    public var platform: Platform
    /// The base it was built on.
    public var base: ResolvedBase
    /// The new layers, bottom first.
    public var layers: [BuiltLayer]
    /// Config and manifest with their exact bytes.
    public var image: ImageAssembler.Image
    /// The steps of the build, in order.
    public var steps: [Step]

    /// What one build step did.
    public struct Step: Sendable, Hashable {
        /// Which step.
        public var kind: BuildStepKind
        /// Whether its result came from a cache (for packages and files: every layer from the layer cache).
        public var cacheHit: Bool
        /// Wall-clock seconds it took.
        public var seconds: Double
        /// How many layers it added.
        public var layers: Int
    }

    /// The manifest digest.
    public var digest: Digest { image.manifest.digest }

    /// The manifest descriptor with the platform, as an index entry.
    public var indexDescriptor: Descriptor {
        var descriptor = image.manifest.descriptor
        let config = image.config.value
        descriptor.platform = Platform(os: config.os, architecture: config.architecture, variant: config.variant)
        return descriptor
    }
}
