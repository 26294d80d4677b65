import Foundation
import OCI

/// Where images are written — a registry repository (``RegistrySink``), an OCI image layout or a docker-archive
/// tarball (the `Destinations` module) — as ``ImageCopier`` and the image builder need it: blobs first, then the
/// manifests a top manifest references, then the top manifest, which is what names (tags) the image, last.
public protocol ImageSink: Sendable, CustomStringConvertible {
    /// Makes sure the sink has the blob `descriptor` names; `source` gives its bytes when it does not.
    func ensureBlob(_ descriptor: Descriptor, from source: BlobSource) async throws(RegistryError) -> BlobPlacement

    /// Stores a manifest that a later top manifest references by digest (`descriptor` names its digest, media
    /// type, size and — inside an index — platform); returns how it was stored (the digest, for a registry).
    func putChild(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String

    /// Stores the manifest the image is known by, last; returns how it was stored (the tag, or the digest).
    func putTop(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String

    /// What to use the written image by: for a registry `host/repo@digest`, for a local sink its description.
    func pinned(to digest: Digest) -> String
}
