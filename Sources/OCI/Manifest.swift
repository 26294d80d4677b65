import Foundation

/// A manifest as served by a registry: either an image manifest or an index (OCI or Docker flavour).
public enum Manifest: Hashable, Sendable {
    /// An OCI image manifest or Docker schema 2 manifest.
    case image(ImageManifest)
    /// An OCI image index or Docker manifest list.
    case index(ImageIndex)

    /// The media type to send as `Content-Type` when pushing this manifest.
    public var mediaType: String {
        switch self {
        case .image(let manifest): manifest.effectiveMediaType
        case .index(let index): index.effectiveMediaType
        }
    }

    /// The image manifest, if this is one.
    public var imageManifest: ImageManifest? {
        if case .image(let manifest) = self { return manifest }
        return nil
    }

    /// The index, if this is one.
    public var imageIndex: ImageIndex? {
        if case .index(let index) = self { return index }
        return nil
    }

    /// The content this manifest points at: config and layers of an image, entries of an index, plus any subject.
    public var references: [Descriptor] {
        switch self {
        case .image(let manifest): [manifest.config] + manifest.layers + (manifest.subject.map { [$0] } ?? [])
        case .index(let index): index.manifests + (index.subject.map { [$0] } ?? [])
        }
    }
}

extension Manifest: Codable {
    /// Decodes by shape: a `manifests` key means an index, otherwise an image manifest.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ShapeKeys.self)
        if container.contains(.manifests) {
            self = .index(try ImageIndex(from: decoder))
        } else {
            self = .image(try ImageManifest(from: decoder))
        }
    }

    /// Encodes the wrapped manifest or index.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .image(let manifest): try manifest.encode(to: encoder)
        case .index(let index): try index.encode(to: encoder)
        }
    }

    enum ShapeKeys: String, CodingKey {
        case manifests
    }
}
