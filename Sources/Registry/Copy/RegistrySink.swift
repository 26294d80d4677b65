import Foundation
import OCI

/// An ``ImageSink`` that pushes to a registry repository: blobs with ``RegistryClient/ensureBlob(_:in:from:)``,
/// child manifests by digest, the top manifest under the reference's tag (or by digest without one).
public struct RegistrySink: ImageSink {
    /// The client that pushes.
    public let client: RegistryClient
    /// The repository and tag (or digest) written.
    public let reference: Reference

    /// A sink pushing to `reference` with `client`.
    public init(client: RegistryClient, reference: Reference) {
        self.client = client
        self.reference = reference
    }

    /// `host/repository:tag`.
    public var description: String { reference.description }

    /// See ``ImageSink/ensureBlob(_:from:)``.
    public func ensureBlob(_ descriptor: Descriptor, from source: BlobSource) async throws(RegistryError)
        -> BlobPlacement
    {
        try await client.ensureBlob(descriptor, in: reference, from: source)
    }

    /// See ``ImageSink/putChild(_:descriptor:)``.
    public func putChild(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String {
        try await client.putManifest(
            bytes, mediaType: descriptor.mediaType, to: reference.pinned(to: descriptor.digest))
        return descriptor.digest.description
    }

    /// See ``ImageSink/putTop(_:descriptor:)``.
    public func putTop(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String {
        let target = reference.tag.map { _ in reference } ?? reference.pinned(to: descriptor.digest)
        try await client.putManifest(bytes, mediaType: descriptor.mediaType, to: target)
        return reference.tag ?? descriptor.digest.description
    }

    /// See ``ImageSink/pinned(to:)``.
    public func pinned(to digest: Digest) -> String {
        reference.pinned(to: digest).description
    }
}
